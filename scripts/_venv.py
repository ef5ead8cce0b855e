"""Create the project's virtual environment and install the project into it.

Used by ``scripts/demo.py`` and ``scripts/test.py`` so that a fresh clone needs
nothing but Python and pip. Re-running is cheap: the install is skipped while
``pyproject.toml`` is unchanged since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _constraints() -> Path | None:
    """Pinned versions of every dependency, tested together, for this Python (if we have them)."""
    path = ROOT / "constraints" / f"py{sys.version_info[0]}{sys.version_info[1]}.txt"
    return path if path.exists() else None


def _stamp(extras: str) -> str:
    pins = _constraints()
    data = (ROOT / "pyproject.toml").read_bytes() + extras.encode() + (pins.read_bytes() if pins else b"")
    return hashlib.sha256(data).hexdigest()[:16]


def ensure(extras: str) -> Path:
    """Make sure ``.venv`` exists with the project installed (editable) with ``extras``."""
    if not PYTHON.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp_file = VENV / f".installed-{extras.replace(',', '-')}"
    if not stamp_file.exists() or stamp_file.read_text() != _stamp(extras):
        print(f"installing humanloop[{extras}] into {VENV} (first run only)", flush=True)
        pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        pins = _constraints()
        subprocess.run([*pip, "-e", f"{ROOT}[{extras}]", *(["-c", str(pins)] if pins else [])], check=True)
        stamp_file.write_text(_stamp(extras))
    return PYTHON


def reexec_in_venv(extras: str) -> None:
    """Run the calling script again with the project's interpreter, unless that is what runs it."""
    python = ensure(extras)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), *sys.argv])
