"""Database triggers that make a table append-only, for the migrations (SQLite and PostgreSQL).

History the fund relies on (plan events, quarterly returns, objections, ...) must not be
edited or removed even by a client that bypasses carepool: the database refuses UPDATE and
DELETE itself. Table names come from the migrations' constants, never from input.
"""

from __future__ import annotations

from alembic import op


def create_append_only(table: str) -> None:
    """Triggers ``<table>_no_update`` / ``<table>_no_delete`` (and, on PostgreSQL, ``<table>_append_only()``)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'restrict_violation'; END $$")
    for verb in ("UPDATE", "DELETE"):
        action = (f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()" if postgres
                  else f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} {action}")


def drop_append_only(table: str) -> None:
    """Undo ``create_append_only`` (for downgrades)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
