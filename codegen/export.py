"""``python -m codegen export``: write the server's OpenAPI document to ``api/openapi.json``.

``--check`` compares instead of writing and exits 1 when the committed file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "api" / "openapi.json"


def render() -> str:
    """Return the OpenAPI document exactly as it is committed."""
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    from humanloop_server.openapi import dump_openapi

    return dump_openapi()


def export(output: Path = DEFAULT_OUTPUT, check: bool = False) -> int:
    text = render()
    if check:
        current: Optional[str] = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(f"{output} is stale; run `python -m codegen export`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("export", help="write api/openapi.json from the server app")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the document")
    parser.set_defaults(run=lambda args: export(args.output, args.check))
