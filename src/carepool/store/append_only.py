"""Database triggers that make a table append-only, for the migrations (SQLite and PostgreSQL).

History the fund relies on (plan events, quarterly returns, objections, ...) must not be
edited or removed even by a client that bypasses carepool: the database refuses UPDATE and
DELETE itself, and on PostgreSQL TRUNCATE too (a statement-level trigger, since row triggers
never see a TRUNCATE). Table names come from the migrations' constants, never from input.

``APPEND_ONLY_TABLES`` lists every such table, so ``carepool db check`` can confirm each still
has its triggers (add a table here when a migration makes it append-only).
"""

from __future__ import annotations

from alembic import op

APPEND_ONLY_TABLES = (
    "plan_events", "ledger_transactions", "ledger_postings", "ledger_accounts", "ledger_batches",
    "quarterly_returns", "performance_assessments", "sharing_objection_events", "assurance_conditions",
    "sharing_audit",
)
# Append-only on PostgreSQL only (migration 0008): there they stand in for foreign keys checked
# per statement; SQLite keeps its foreign keys, which already refuse removing a referenced row.
POSTGRES_ONLY = frozenset({"ledger_accounts", "ledger_batches"})


def create_append_only(table: str) -> None:
    """Triggers ``<table>_no_update`` / ``<table>_no_delete`` (and, on PostgreSQL, ``<table>_no_truncate``
    and the function ``<table>_append_only()``)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'restrict_violation'; END $$")
    for verb in ("UPDATE", "DELETE"):
        action = (f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()" if postgres
                  else f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} {action}")
    if postgres:
        create_no_truncate(table, f"{table}_append_only")


def create_no_truncate(table: str, function: str) -> None:
    """PostgreSQL only: refuse TRUNCATE of ``table`` (``DROP ... IF EXISTS`` first, so it can be re-run)."""
    op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def drop_append_only(table: str) -> None:
    """Undo ``create_append_only`` (for downgrades)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    verbs = ("update", "delete", "truncate") if postgres else ("update", "delete")
    for verb in verbs:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
