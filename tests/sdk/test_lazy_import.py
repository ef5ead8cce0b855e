"""``import humanloop`` is cheap: models are imported on first use (PEP 562), not eagerly."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import humanloop

    after_import = sorted(m for m in sys.modules if m.startswith("humanloop."))
    eager_prompt_response = "humanloop.types.prompt_response" in sys.modules

    PromptResponse = humanloop.PromptResponse
    from humanloop.types.prompt_response import PromptResponse as Direct

    print(json.dumps({
        "after_import": after_import,
        "eager_prompt_response": eager_prompt_response,
        "resolved_name": PromptResponse.__name__,
        "same_class": PromptResponse is Direct,
        "loaded_after_access": "humanloop.types.prompt_response" in sys.modules,
        "in_all": "PromptResponse" in humanloop.__all__,
        "in_dir": "PromptResponse" in dir(humanloop),
    }))
    """
)


def run_script() -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_import_does_not_load_models_and_names_resolve_lazily() -> None:
    result = run_script()
    assert result["eager_prompt_response"] is False
    assert not [m for m in result["after_import"] if m.startswith("humanloop.types.")], result["after_import"]
    assert result["resolved_name"] == "PromptResponse"
    assert result["same_class"] is True
    assert result["loaded_after_access"] is True
    assert result["in_all"] is True
    assert result["in_dir"] is True
