"""`humanloop-server` command line: run the server, create API keys."""

import argparse
import logging
import sys
from typing import List, Optional

from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(data_dir=getattr(args, "data_dir", None), database_url=getattr(args, "database_url", None))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    app = create_app(settings)
    where = settings.resolved_database_url if not settings.is_sqlite else settings.resolved_database_url[10:]
    print(f"Humanloop-compatible server: http://{args.host}:{args.port}/v5", flush=True)
    print(f"Database: {where}", flush=True)
    if not settings.api_key:
        print("No HUMANLOOP_API_KEY set; create a key with `humanloop-server create-key`.", flush=True)
    # the server's own messages (such as the start-up line on the evaluator sandbox) go to stderr
    # like uvicorn's
    own = logging.getLogger("humanloop_server")
    if not own.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        own.addHandler(handler)
        own.setLevel(args.log_level.upper())
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_create_key(args: argparse.Namespace) -> int:
    from .services.keys import create_key
    from .wiring import build_runtime

    settings = _settings(args)
    rt = build_runtime(settings)
    try:
        key = create_key(rt, args.org or settings.default_org_name)
    finally:
        rt.db.dispose()
    print(key)
    print("Store this key now: it is not shown again.", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="humanloop-server", description="Self-hosted Humanloop v5 API server")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", help="directory of the SQLite database (env HUMANLOOP_DATA_DIR)")
        p.add_argument("--database-url", help="SQLAlchemy database URL (env HUMANLOOP_DATABASE_URL)")

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    common(serve)
    serve.set_defaults(func=cmd_serve)

    key = sub.add_parser("create-key", help="create an API key and print it once")
    key.add_argument("--org", help="organisation name (created when new; default: HUMANLOOP_DEFAULT_ORG or 'default')")
    common(key)
    key.set_defaults(func=cmd_create_key)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
