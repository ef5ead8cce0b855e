"""Alembic environment: run programmatically with a connection in ``config.attributes``."""

from alembic import context
from sqlalchemy import create_engine

from humanloop_server.db.models import Base
from humanloop_server.db.search_index import unmodelled

config = context.config
target_metadata = Base.metadata


def include_name(name: object, type_: str, parent_names: object) -> bool:
    """Leave the search index (migration 0013, not described by the models) out of autogenerate."""
    return not unmodelled(name if isinstance(name, str) else None, type_, parent_names)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("migrations need a connection (config.attributes) or sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as conn:
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True, include_name=include_name
            )
            context.run_migrations()
        return
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, include_name=include_name
    )
    context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
