"""The ledger's tables: accounts, batches, transactions, postings (append-only), balances,
closed periods and risk-share agreements.

Postings and transactions are never updated or deleted (database triggers refuse it, see
migrations ``0002_ledger`` and ``0008_statement_checks``, which also makes accounts and batches
append-only); corrections are reversals. ``ledger_balances`` keeps each
account's running balance, updated in the same transaction as the postings, so a trial
balance reads one row per account instead of summing every posting.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from carepool.store.db import Base
from carepool.store.types import UtcDateTime

metadata = Base.metadata

accounts = Table(
    "ledger_accounts", metadata,
    Column("id", Integer, primary_key=True),
    Column("area", String(16), nullable=False),
    Column("pool", String(16), nullable=False),
    Column("name", String(300), nullable=False),
    UniqueConstraint("area", "pool", "name", name="uq_ledger_accounts_area_pool_name"),
)

batches = Table(
    "ledger_batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(300), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("transactions", Integer, nullable=False),
)

transactions = Table(
    "ledger_transactions", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("area", String(16), nullable=False, index=True),
    Column("pool", String(16), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("narration", Text, nullable=False),
    Column("reverses", String(300), nullable=True),
    Column("digest", String(64), nullable=False),
    Column("batch_id", ForeignKey("ledger_batches.id"), nullable=False),
    # only reversals are looked up by what they reverse, so only they are indexed
    Index("ix_ledger_transactions_reverses", "reverses", sqlite_where=text("reverses IS NOT NULL"),
          postgresql_where=text("reverses IS NOT NULL")),
)

# Keyed by (transaction, line): every read of postings goes by transaction, so this one index
# serves them all, and ``line`` keeps a transaction's postings in the order given (migration
# 0018_posting_lines). SQLite keeps the rows in that B-tree itself (WITHOUT ROWID).
postings = Table(
    "ledger_postings", metadata,
    Column("transaction_id", ForeignKey("ledger_transactions.id"), primary_key=True, autoincrement=False),
    Column("line", Integer, primary_key=True, autoincrement=False),
    Column("account_id", ForeignKey("ledger_accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
POSTING_COLUMNS = ("transaction_id", "line", "account_id", "amount")

balances = Table(
    "ledger_balances", metadata,
    Column("account_id", ForeignKey("ledger_accounts.id"), primary_key=True),
    Column("balance", BigInteger, nullable=False),
    Column("postings", Integer, nullable=False),
)

closed_periods = Table(
    "ledger_closed_periods", metadata,
    Column("id", Integer, primary_key=True),
    Column("area", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("closed_at", UtcDateTime, nullable=False),
    Column("closed_by", String(200), nullable=False),
    UniqueConstraint("area", "label", name="uq_ledger_closed_periods_area_label"),
)

risk_shares = Table(
    "ledger_risk_shares", metadata,
    Column("id", Integer, primary_key=True),
    Column("area", String(16), nullable=False),
    Column("year", String(32), nullable=False),   # the programme, or a two-year one's plan year: 'bcf-2023-25:2024-25'
    Column("pool", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("shares", JSON, nullable=False),
    Column("carry_forward_pct", Integer, nullable=False, server_default=text("0")),
    Column("recorded_by", String(200), nullable=True),   # NULL: recorded before migration 0017
    Column("recorded_at", UtcDateTime, nullable=True),
    UniqueConstraint("area", "year", "pool", name="uq_ledger_risk_shares_area_year_pool"),
    CheckConstraint("carry_forward_pct BETWEEN 0 AND 100", name="ck_ledger_risk_shares_carry_forward_pct"),
)

APPEND_ONLY = ("ledger_transactions", "ledger_postings")

# On PostgreSQL these foreign keys are checked once per INSERT statement by triggers with a
# transition table instead of once per row (migration 0008_statement_checks: bulk posting
# spent most of its time in them); the referenced tables are append-only, so a referenced row
# can never go away. SQLite keeps them as declared.
STATEMENT_CHECKED_FOREIGN_KEYS = frozenset({
    "fk_ledger_postings_transaction_id_ledger_transactions",
    "fk_ledger_postings_account_id_ledger_accounts",
    "fk_ledger_transactions_batch_id_ledger_batches",
})
