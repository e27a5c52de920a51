"""Postings keyed by (transaction, line): one index instead of two, no per-row sequence; and the
PostgreSQL reference checks of the ledger made cheap per statement.

Before, ``ledger_postings`` had a serial ``id`` (a sequence call per row on PostgreSQL) as its
primary key plus an index on ``transaction_id``: two B-tree inserts per posting, and every query
that reads postings (a transaction's postings, the running balances of a batch, ``carepool db
check``'s recount) goes by transaction, never by posting id. Now the primary key is
``(transaction_id, line)``, ``line`` numbering a transaction's postings from 0 in the order given,
so the one index serves those reads and the order of postings is kept. On SQLite the table is
``WITHOUT ROWID`` (the rows live in that one B-tree). Existing postings are copied in their
old order; the table is rebuilt (its append-only triggers recreated), not updated, so the
append-only guarantee is never switched off.

PostgreSQL only: the statement-level reference checks of migration 0008 ran an anti-join of
every new row against the whole referenced table (most of the server's time in a bulk post).
They now first take the smallest and largest referenced id of the statement and count the
referenced rows in that range; when every id in the range exists (ids are unique integers),
every reference holds. Otherwise (a gap in the range) they fall back to the anti-join over the
distinct referenced ids, so a missing row is still found and refused.

Revision ID: 0018_posting_lines
Revises: 0017_risk_share_recorded_by
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_posting_lines"
down_revision: str | Sequence[str] | None = "0017_risk_share_recorded_by"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_REFUSE = "BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: post a reversal instead'); END"


def _range_check(column: str, ref: str) -> str:
    """plpgsql: raise unless every ``added.<column>`` names a row of ``ref`` (see the docstring)."""
    return (f"SELECT min({column}), max({column}) INTO lo, hi FROM added; "
            f"IF lo IS NOT NULL AND (SELECT count(*) FROM {ref} WHERE id BETWEEN lo AND hi) <> hi - lo + 1 "
            f"AND EXISTS (SELECT 1 FROM (SELECT DISTINCT {column} FROM added) a "
            f"WHERE NOT EXISTS (SELECT 1 FROM {ref} r WHERE r.id = a.{column})) THEN "
            f"RAISE EXCEPTION '%: a new row refers to a row of {ref} that does not exist', TG_TABLE_NAME "
            "USING ERRCODE = 'foreign_key_violation'; END IF; ")


RANGE_CHECKS = {
    "ledger_postings": _range_check("transaction_id", "ledger_transactions")
    + _range_check("account_id", "ledger_accounts"),
    "ledger_transactions": _range_check("batch_id", "ledger_batches"),
}
# migration 0008's functions, restored on downgrade
ANTI_JOINS = {
    "ledger_postings": "EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions r "
    "WHERE r.id = a.transaction_id)) OR EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS "
    "(SELECT 1 FROM ledger_accounts r WHERE r.id = a.account_id))",
    "ledger_transactions": "EXISTS (SELECT 1 FROM added a WHERE NOT EXISTS (SELECT 1 FROM ledger_batches r "
    "WHERE r.id = a.batch_id))",
}


def _postings_table(name: str, *, lines: bool, postgres: bool) -> None:
    key = ([sa.Column("transaction_id", sa.Integer(), nullable=False),
            sa.Column("line", sa.Integer(), nullable=False)] if lines else
           [sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("transaction_id", sa.Integer(), nullable=False)])
    references = [] if postgres else [   # PostgreSQL checks them per statement (triggers below)
        sa.ForeignKeyConstraint(["transaction_id"], ["ledger_transactions.id"],
                                name="fk_ledger_postings_transaction_id_ledger_transactions"),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"],
                                name="fk_ledger_postings_account_id_ledger_accounts")]
    op.create_table(
        name, *key,
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*(("transaction_id", "line") if lines else ("id",)), name="pk_ledger_postings"),
        *references,
        **({"sqlite_with_rowid": False} if lines and not postgres else {}),
    )


def _rebuild_postings(*, lines: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("ALTER TABLE ledger_postings RENAME TO ledger_postings_old")
    if postgres:   # constraint and index names are per schema there
        op.execute("ALTER TABLE ledger_postings_old RENAME CONSTRAINT pk_ledger_postings TO pk_ledger_postings_old")
    else:
        op.execute("DROP INDEX IF EXISTS ix_ledger_postings_transaction_id")
    _postings_table("ledger_postings", lines=lines, postgres=postgres)
    if lines:
        op.execute("INSERT INTO ledger_postings (transaction_id, line, account_id, amount) "
                   "SELECT transaction_id, row_number() OVER (PARTITION BY transaction_id ORDER BY id) - 1, "
                   "account_id, amount FROM ledger_postings_old")
    else:
        op.execute("INSERT INTO ledger_postings (id, transaction_id, account_id, amount) "
                   "SELECT row_number() OVER (ORDER BY transaction_id, line), transaction_id, account_id, amount "
                   "FROM ledger_postings_old")
        op.create_index("ix_ledger_postings_transaction_id", "ledger_postings", ["transaction_id"])
        if postgres:   # the id is SERIAL again (SQLAlchemy makes an integer primary key one): move it on
            op.execute("SELECT setval(pg_get_serial_sequence('ledger_postings', 'id'), "
                       "COALESCE((SELECT max(id) FROM ledger_postings), 0) + 1, false)")
    op.execute("DROP TABLE ledger_postings_old")   # its triggers go with it; recreated on the new table
    if postgres:
        op.execute("CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_postings "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()")
        op.execute("CREATE TRIGGER ledger_postings_refs_exist AFTER INSERT ON ledger_postings "
                   "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_refs_exist()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ledger_postings_no_{verb.lower()} BEFORE {verb} ON ledger_postings "
                       f"{SQLITE_REFUSE}")


def _refs_functions(bodies: dict[str, str], *, ranged: bool) -> None:
    for table, body in bodies.items():
        if ranged:
            op.execute(f"CREATE OR REPLACE FUNCTION {table}_refs_exist() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"DECLARE lo integer; hi integer; BEGIN {body}RETURN NULL; END $$")
        else:
            op.execute(f"CREATE OR REPLACE FUNCTION {table}_refs_exist() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN IF {body} THEN RAISE EXCEPTION '{table}: a new row refers to a row that does not "
                       "exist' USING ERRCODE = 'foreign_key_violation'; END IF; RETURN NULL; END $$")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _refs_functions(RANGE_CHECKS, ranged=True)
    _rebuild_postings(lines=True)


def downgrade() -> None:
    _rebuild_postings(lines=False)
    if op.get_bind().dialect.name == "postgresql":
        _refs_functions(ANTI_JOINS, ranged=False)
