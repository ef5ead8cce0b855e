"""`humanloop-server`: run the server, manage API keys and environments.

    humanloop-server serve [--host H] [--port P] [--data-dir D | --database-url U]
    humanloop-server keys list|create|revoke ...
    humanloop-server environments list|create|rename|delete|set-default ...

Every command that touches the database takes `--data-dir` / `--database-url` (or their
environment variables), so a key made with the same options as `serve` works for that server.
Problems the operator can fix (a busy port, an unreachable database, a missing extra) are one line
on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import logging
import os
import socket
import sys
from typing import Any, Callable, List, Optional

from .settings import VARIABLES, Settings

EXIT_USAGE = 2
SERVER_EXTRA_HINT = (
    "the server needs the `server` extra of this project: from a clone, run "
    "pip install -e '.[server]' (or pip install '<path or git URL of this repository>[server]')"
)


class CliError(Exception):
    """A problem to report in one line (exit status 2)."""


def _colour_ok(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def _say(text: str, stream: Any = None, *, bold: bool = False) -> None:
    stream = stream or sys.stdout
    if bold and _colour_ok(stream):
        text = f"\033[1m{text}\033[0m"
    print(text, file=stream, flush=True)


def _env_help(field: str) -> str:
    for var, (name, _parse, _help) in VARIABLES.items():
        if name == field:
            return f"env {var}"
    return ""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(
            data_dir=getattr(args, "data_dir", None), database_url=getattr(args, "database_url", None)
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None


def shown_url(settings: Settings) -> str:
    """The database location without its password (for output and logs)."""
    if settings.is_sqlite:
        return settings.resolved_database_url[len("sqlite:///") :]
    from sqlalchemy.engine import make_url

    try:
        return make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is reported by the connection attempt
        return "<the configured database URL>"


#: what the `server` extra installs that the server cannot run without
SERVER_MODULES = ("alembic", "fastapi", "sqlalchemy", "uvicorn")


def _require_server_extra() -> None:
    for name in SERVER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise CliError(f"{SERVER_EXTRA_HINT} (missing module: {name})") from None


def _runtime(settings: Settings) -> Any:
    """The database opened and migrated, or a one-line CliError saying why not."""
    _require_server_extra()
    from sqlalchemy.exc import SQLAlchemyError

    from .wiring import build_runtime

    try:
        return build_runtime(settings)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CliError(f"cannot open the database {shown_url(settings)}: {reason}") from None


def _same_database_options(settings: Settings) -> str:
    if settings.database_url:
        return ' --database-url "$HUMANLOOP_DATABASE_URL"' if os.environ.get("HUMANLOOP_DATABASE_URL") else ""
    return f" --data-dir {os.path.abspath(settings.data_dir)}"


# ---------------------------------------------------------------- serve


def _check_port(host: str, port: int) -> None:
    """Fail before announcing anything when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _require_server_extra()
    _check_port(args.host, args.port)
    _runtime(settings).db.dispose()  # reachable and migrated, before we say we are up
    import uvicorn

    from .app import KEEP_ALIVE_SECONDS, create_app

    app = create_app(settings, tune_gc=True)  # this process serves it alone
    _say(f"Humanloop-compatible server: http://{args.host}:{args.port}/v5", bold=True)
    _say(f"Database: {shown_url(settings)}")
    _say(f"Web app: http://{args.host}:{args.port}/ (sign in with an API key of this server)")
    if not settings.api_key:
        _say(
            "No HUMANLOOP_API_KEY set; create a key for this server with: "
            f"humanloop-server keys create{_same_database_options(settings)}"
        )
    # the server's own messages (such as the start-up line on the evaluator sandbox) go to stderr
    # like uvicorn's
    own = logging.getLogger("humanloop_server")
    if not own.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        own.addHandler(handler)
        own.setLevel(args.log_level.upper())
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        use_colors=_colour_ok(sys.stderr),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 1


# ---------------------------------------------------------------- keys


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "never"


def cmd_keys_list(args: argparse.Namespace) -> int:
    from .services import keys

    rt = _runtime(_settings(args))
    try:
        found = keys.list_keys(rt.db, args.org, include_revoked=args.all)
    finally:
        rt.db.dispose()
    if not found:
        _say("no keys" + (f" for organisation {args.org!r}" if args.org else ""))
        return 0
    rows = [["id", "prefix", "name", "organisation", "created", "last used", "revoked"]]
    for k in found:
        rows.append(
            [
                k.id,
                k.prefix + "…",
                k.name or "-",
                k.organization,
                _when(k.created_at),
                _when(k.last_used_at),
                _when(k.revoked_at) if k.revoked_at else "-",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        _say("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    from .services import keys

    settings = _settings(args)
    rt = _runtime(settings)
    try:
        key = keys.create_key(rt, args.org or settings.default_org_name, name=args.name)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    finally:
        rt.db.dispose()
    print(key, flush=True)
    _say("Store this key now: it is not shown again.", sys.stderr)
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from .services import keys

    rt = _runtime(_settings(args))
    try:
        info = keys.revoke_key(rt.db, args.key)
    except LookupError as exc:
        raise CliError(str(exc)) from None
    finally:
        rt.db.dispose()
    _say(f"revoked {info.id} ({info.prefix}…, organisation {info.organization!r})")
    return 0


# ---------------------------------------------------------------- environments


def _with_org(args: argparse.Namespace, action: Callable[[Any], Optional[str]]) -> int:
    """Run ``action(ctx)`` for the organisation named by ``--org`` and print what it returns."""
    from .services.context import Context
    from .services.errors import ServiceError
    from .services.seed import find_org

    settings = _settings(args)
    rt = _runtime(settings)
    name = args.org or settings.default_org_name
    try:
        with rt.db.write() as session:
            org = find_org(session, name)
            if org is None:
                raise CliError(f"no organisation is called {name!r}")
            message = action(Context(session=session, org_id=org.id, rt=rt))
    except ServiceError as exc:
        detail = exc.detail[0]["msg"] if isinstance(exc.detail, list) else exc.detail
        raise CliError(str(detail)) from None
    finally:
        rt.db.dispose()
    if message:
        _say(message)
    return 0


def cmd_env_list(args: argparse.Namespace) -> int:
    from .services import environments

    def show(ctx: Any) -> str:
        return "\n".join(
            f"{env.name}{'  (default)' if env.tag == 'default' else ''}" for env in environments.list_all(ctx)
        )

    return _with_org(args, show)


def cmd_env_create(args: argparse.Namespace) -> int:
    from .services import environments

    def create(ctx: Any) -> str:
        env = environments.add(ctx, args.name, default=args.default)
        return f"created environment {env.name!r} ({env.id})" + (", now the default" if args.default else "")

    return _with_org(args, create)


def cmd_env_rename(args: argparse.Namespace) -> int:
    from .services import environments

    return _with_org(args, lambda ctx: f"renamed to {environments.rename(ctx, args.name, args.new_name).name!r}")


def cmd_env_default(args: argparse.Namespace) -> int:
    from .services import environments

    return _with_org(args, lambda ctx: f"{environments.set_default(ctx, args.name).name!r} is now the default")


def cmd_env_delete(args: argparse.Namespace) -> int:
    from .services import environments

    def delete(ctx: Any) -> str:
        environments.remove(ctx, args.name)
        return f"deleted environment {args.name!r}"

    return _with_org(args, delete)


# ---------------------------------------------------------------- parser


def _database_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        help=f"directory of the SQLite database ({_env_help('data_dir')}; default ./.data)",
    )
    p.add_argument(
        "--database-url",
        help=f"SQLAlchemy database URL, e.g. postgresql+psycopg://user:pw@host/db ({_env_help('database_url')}; "
        "default: SQLite in the data directory)",
    )


def _org_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", help="organisation name (env HUMANLOOP_DEFAULT_ORG; default 'default')")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default (when it has one) and keeps the environment table's lines."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def _environment_table() -> str:
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    width = max(len(var) for var in VARIABLES)
    lines = []
    for var, (field, _parse, help_) in VARIABLES.items():
        default = defaults.get(field, dataclasses.MISSING)
        if "default" not in help_ and default not in (dataclasses.MISSING, None):
            help_ += f" (default {default})"
        lines.append(f"  {var.ljust(width)}  {help_}")
    return "environment variables (options win over them):\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    fmt = _HelpFormatter
    parser = argparse.ArgumentParser(
        prog="humanloop-server",
        description="Self-hosted server for the Humanloop v5 API.",
        epilog=_environment_table(),
        formatter_class=fmt,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the HTTP server", formatter_class=fmt, epilog=_environment_table())
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"], help="log level"
    )
    _database_options(serve)
    serve.set_defaults(func=cmd_serve)

    keys = sub.add_parser("keys", help="list, create and revoke API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    k_list = keys_sub.add_parser("list", help="show keys (never the keys themselves)", formatter_class=fmt)
    _org_option(k_list)
    k_list.add_argument("--all", action="store_true", help="include revoked keys")
    _database_options(k_list)
    k_list.set_defaults(func=cmd_keys_list)
    k_create = keys_sub.add_parser("create", help="create a key and print it once", formatter_class=fmt)
    _org_option(k_create)
    k_create.add_argument("--name", help="what the key is for, shown by `keys list`")
    _database_options(k_create)
    k_create.set_defaults(func=cmd_keys_create)
    k_revoke = keys_sub.add_parser("revoke", help="revoke a key by its id or prefix", formatter_class=fmt)
    k_revoke.add_argument("key", help="the key's id or its prefix, as `keys list` shows them")
    _database_options(k_revoke)
    k_revoke.set_defaults(func=cmd_keys_revoke)

    # kept for scripts written for earlier versions: same as `keys create`
    legacy = sub.add_parser("create-key", help="same as `keys create`", formatter_class=fmt)
    _org_option(legacy)
    legacy.add_argument("--name", help="what the key is for")
    _database_options(legacy)
    legacy.set_defaults(func=cmd_keys_create)

    envs = sub.add_parser("environments", help="list, create, rename and delete environments")
    env_sub = envs.add_subparsers(dest="env_command", required=True, metavar="ACTION")
    e_list = env_sub.add_parser("list", help="show the environments; the default one is marked", formatter_class=fmt)
    e_create = env_sub.add_parser("create", help="add an environment", formatter_class=fmt)
    e_create.add_argument("name")
    e_create.add_argument("--default", action="store_true", help="make it the default environment")
    e_rename = env_sub.add_parser("rename", help="rename an environment", formatter_class=fmt)
    e_rename.add_argument("name")
    e_rename.add_argument("new_name")
    e_default = env_sub.add_parser("set-default", help="make an environment the default one", formatter_class=fmt)
    e_default.add_argument("name")
    e_delete = env_sub.add_parser(
        "delete", help="delete an environment and its deployments (not the default one)", formatter_class=fmt
    )
    e_delete.add_argument("name")
    for p, fn in (
        (e_list, cmd_env_list),
        (e_create, cmd_env_create),
        (e_rename, cmd_env_rename),
        (e_default, cmd_env_default),
        (e_delete, cmd_env_delete),
    ):
        _org_option(p)
        _database_options(p)
        p.set_defaults(func=fn)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        _say(f"humanloop-server: error: {exc}", sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
