"""Ledger: accounts, batches, append-only transactions and postings, balances, closed periods,
risk-share agreements. Triggers refuse UPDATE and DELETE of transactions and postings.

Revision ID: 0002_ledger
Revises: 0001_plans
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_ledger"
down_revision: str | Sequence[str] | None = "0001_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("ledger_transactions", "ledger_postings")


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("pool", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("area", "pool", "name", name="uq_ledger_accounts_area_pool_name"),
    )
    op.create_table(
        "ledger_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_batches")),
    )
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("pool", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("narration", sa.Text(), nullable=False),
        sa.Column("reverses", sa.String(length=300), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transactions")),
        sa.ForeignKeyConstraint(["batch_id"], ["ledger_batches.id"],
                                name=op.f("fk_ledger_transactions_batch_id_ledger_batches")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transactions_key")),
    )
    op.create_index(op.f("ix_ledger_transactions_area"), "ledger_transactions", ["area"])
    op.create_index("ix_ledger_transactions_reverses", "ledger_transactions", ["reverses"],
                    sqlite_where=sa.text("reverses IS NOT NULL"), postgresql_where=sa.text("reverses IS NOT NULL"))
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
        sa.ForeignKeyConstraint(["transaction_id"], ["ledger_transactions.id"],
                                name=op.f("fk_ledger_postings_transaction_id_ledger_transactions")),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"],
                                name=op.f("fk_ledger_postings_account_id_ledger_accounts")),
    )
    op.create_index("ix_ledger_postings_transaction_id", "ledger_postings", ["transaction_id"])
    op.create_table(
        "ledger_balances",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_ledger_balances")),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"],
                                name=op.f("fk_ledger_balances_account_id_ledger_accounts")),
    )
    op.create_table(
        "ledger_closed_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_closed_periods")),
        sa.UniqueConstraint("area", "label", name="uq_ledger_closed_periods_area_label"),
    )
    op.create_table(
        "ledger_risk_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("pool", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_risk_shares")),
        sa.UniqueConstraint("area", "year", "pool", name="uq_ledger_risk_shares_area_year_pool"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: post a reversal instead'); END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: post a reversal instead', TG_TABLE_NAME; END $$")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    for table in ("ledger_risk_shares", "ledger_closed_periods", "ledger_balances", "ledger_postings",
                  "ledger_transactions", "ledger_batches", "ledger_accounts"):
        op.drop_table(table)
