"""The few statements every ``prompts.log`` runs, handed straight to the database driver.

Under load the server is bound by its one core of Python, and running a cached Core statement
through SQLAlchemy costs about 30 microseconds of it on SQLite, where the statement itself takes
about one (execution context, events, result wrapping); on PostgreSQL about 75 beyond psycopg's
own work. A keyed ``prompts.log`` ran six of them. With four sent to the driver as below, the same
requests did 248 instead of 232 Logs a second on SQLite at 32 clients, and 208 instead of 178 on
PostgreSQL (A/B in one sitting).

:class:`HotStatement` still lets SQLAlchemy do the parts that matter: it compiles the statement
once per dialect, so the SQL, the order of the parameters and each parameter's conversion (JSON
serialisation, the UTC datetime type) are SQLAlchemy's own; the statement runs on the DBAPI
connection of the session's transaction, which SQLAlchemy began as usual; and a driver error is
wrapped as SQLAlchemy wraps it (``IntegrityError``, ``OperationalError``), so callers catch the
same exceptions. What differs: rows come back as plain tuples (only statements whose columns need
no conversion are accepted), and statement events (``before_cursor_execute``) do not see these.
No library does this narrower thing; SQLAlchemy's documented fast path, ``exec_driver_sql``, still
costs half of a full execution.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler


class _Compiled:
    def __init__(
        self,
        sql: str,
        names: Optional[Sequence[str]],
        convert: Dict[str, Optional[Callable[[Any], Any]]],
        fixed: Dict[str, Any],
    ):
        self.sql = sql
        self.names = names  # the parameters in order (positional drivers), else None (named)
        self.convert = convert  # each parameter's conversion, if any
        self.fixed = fixed  # the values the statement carries (``state == "active"``)


class HotStatement:
    """A Core statement run on the driver (see the module docstring). ``column_keys``: for an
    INSERT, the columns it sets (as ``Insert.compile(column_keys=...)``), all of them when None."""

    def __init__(self, statement: ClauseElement, column_keys: Optional[Sequence[str]] = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._by_dialect: Dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        done = self._by_dialect.get(dialect.name)
        if done is not None:
            return done
        if isinstance(self.statement, Select):
            for column in self.statement.selected_columns:
                if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
                    raise TypeError(f"column {column!r} needs converting: not a statement for the driver alone")
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        assert isinstance(compiled, SQLCompiler)
        convert: Dict[str, Optional[Callable[[Any], Any]]] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect) for name, bind in compiled.binds.items()
        }
        names = list(compiled.positiontup) if compiled.positiontup is not None else None
        fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        done = _Compiled(compiled.string, names, convert, fixed)
        self._by_dialect[dialect.name] = done
        return done

    def rows(self, session: Session, params: Mapping[str, Any]) -> List[Tuple[Any, ...]]:
        """Run the statement in ``session``'s transaction (begun now if need be); its rows."""
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._compiled(dialect)
        values: Any
        if compiled.names is not None:
            values = [_value(compiled, name, params) for name in compiled.names]
        else:
            values = {name: _value(compiled, name, params) for name in compiled.convert}
        dbapi = dialect.loaded_dbapi
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, values)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description is not None else []
        except dbapi.Error as error:
            raise exc.DBAPIError.instance(compiled.sql, values, error, dbapi.Error, dialect=dialect) from error
        finally:
            cursor.close()

    def run(self, session: Session, params: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows (an INSERT)."""
        self.rows(session, params)


def _value(compiled: _Compiled, name: str, params: Mapping[str, Any]) -> Any:
    if name in params:
        value = params[name]
    elif name in compiled.fixed:
        value = compiled.fixed[name]
    else:  # as SQLAlchemy, a parameter left out is an error
        raise exc.ArgumentError(f"a value is required for the parameter {name!r}")
    processor = compiled.convert[name]
    return processor(value) if processor is not None else value


__all__ = ["HotStatement"]
