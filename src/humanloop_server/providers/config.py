"""Where each provider is reached and which server-side key it uses (environment variables, read at call time)."""

from __future__ import annotations

import os
from typing import Mapping, Optional

#: environment variable holding the server-side default key of each provider
KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "deepseek": "DEEPSEEK_API_KEY"}
BASE_URL_ENV = {"openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL", "deepseek": "DEEPSEEK_BASE_URL"}
DEFAULT_BASE_URL = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "deepseek": "https://api.deepseek.com",
}


def resolve_base_url(name: str, environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    var = BASE_URL_ENV.get(name)
    url = (env.get(var) if var else None) or DEFAULT_BASE_URL.get(name, "")
    return url.rstrip("/")
