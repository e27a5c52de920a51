"""Alembic environment for the carepool store.

Runs on the connection ``carepool.store.db.upgrade_schema`` passes in
``config.attributes["connection"]`` (one transaction), or from ``sqlalchemy.url`` when Alembic
is run by hand. ``target_metadata`` is every table of every module in ``carepool.store``, so a
feature's tables are seen by autogenerate (and by the store's tests) without editing this file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from carepool.store.db import make_engine
from carepool.store.schema import load_metadata

target_metadata = load_metadata()


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes['connection']")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            run_on(conn)
    finally:
        engine.dispose()


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
