"""Alembic environment: runs on the connection handed over by store.migrate (batch mode for SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from inquiry_tui.store.models import all_tables

config = context.config
target_metadata = all_tables()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from inquiry_tui.store.engine import make_engine

        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic.ini has no sqlalchemy.url and no connection was handed over")
        engine = make_engine(url)
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
