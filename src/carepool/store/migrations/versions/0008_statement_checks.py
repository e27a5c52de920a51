"""PostgreSQL: the ledger's integrity checked once per statement instead of once per row, and
TRUNCATE refused on every append-only table. SQLite is unchanged (its row triggers do not fire
on INSERT, and its foreign keys are cheap in-process look-ups).

Bulk posting on PostgreSQL spent most of its time in the foreign keys of ``ledger_postings``
(two per row) and ``ledger_transactions`` (one): each is a per-row trigger running a look-up.
Here they become statement-level AFTER INSERT triggers with a transition table: one anti-join
per COPY checks that every new posting names an existing transaction and account, and every
new transaction an existing batch. The other half of a foreign key (the referenced row cannot
go away or change its id) is kept by making ``ledger_accounts`` and ``ledger_batches``
append-only as well, as transactions and postings already are. The append-only triggers of
the ledger move to statement level (BEFORE UPDATE OR DELETE OR TRUNCATE; a row trigger never
sees TRUNCATE), and the other append-only tables gain a TRUNCATE trigger.

Revision ID: 0008_statement_checks
Revises: 0004_web, 0005_returns, 0006_sharing_lifecycle, 0007_budgets
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from carepool.store.append_only import create_no_truncate

revision: str = "0008_statement_checks"
down_revision: str | Sequence[str] | None = ("0004_web", "0005_returns", "0006_sharing_lifecycle",
                                             "0007_budgets")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_APPEND_ONLY = ("ledger_transactions", "ledger_postings")
NEWLY_APPEND_ONLY = ("ledger_accounts", "ledger_batches")
OTHER_APPEND_ONLY = ("plan_events", "quarterly_returns", "performance_assessments", "sharing_objection_events")
# (constraint, table, column, referenced table) of the foreign keys checked per statement instead
STATEMENT_CHECKED = (
    ("fk_ledger_postings_transaction_id_ledger_transactions", "ledger_postings", "transaction_id",
     "ledger_transactions"),
    ("fk_ledger_postings_account_id_ledger_accounts", "ledger_postings", "account_id", "ledger_accounts"),
    ("fk_ledger_transactions_batch_id_ledger_batches", "ledger_transactions", "batch_id", "ledger_batches"),
)


def _refs_function(table: str) -> str:
    checks = " OR ".join(
        f"EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS (SELECT 1 FROM {ref} r WHERE r.id = a.{column}))"
        for _, owner, column, ref in STATEMENT_CHECKED if owner == table)
    return (f"CREATE FUNCTION {table}_refs_exist() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {checks} THEN RAISE EXCEPTION '{table}: a new row refers to a row that does not exist' "
            "USING ERRCODE = 'foreign_key_violation'; END IF; RETURN NULL; END $$")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, _, _ in STATEMENT_CHECKED:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for table in ("ledger_postings", "ledger_transactions"):
        op.execute(_refs_function(table))
        op.execute(f"CREATE TRIGGER {table}_refs_exist AFTER INSERT ON {table} REFERENCING NEW TABLE AS added "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refs_exist()")
    for table in LEDGER_APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    for table in LEDGER_APPEND_ONLY + NEWLY_APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()")
    for table in OTHER_APPEND_ONLY:
        create_no_truncate(table, f"{table}_append_only")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in OTHER_APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for table in LEDGER_APPEND_ONLY + NEWLY_APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    for table in LEDGER_APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()")
    for table in ("ledger_postings", "ledger_transactions"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_refs_exist ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_refs_exist()")
    for name, table, column, ref in STATEMENT_CHECKED:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {ref} (id)")
