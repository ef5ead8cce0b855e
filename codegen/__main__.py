"""Command line entry point: ``python -m codegen <command>``.

Commands:
  export [--check]   write api/openapi.json from the server app (see codegen/export.py)

Other commands (generate, check) are registered by their own modules; each module adds a
subparser through ``add_parser(subparsers)`` and runs through ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

# Modules that contribute subcommands. A module that does not exist yet is skipped.
COMMAND_MODULES = ("codegen.export", "codegen.generate")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(subparsers)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
