"""Returns of 2021-22 onward: admissions and delayed days may be NULL (those returns report metrics).

From 2021-22 a quarterly or end-of-year return reports each metric of the year's set (kept in
the return's JSON document) and no longer the 2015-era non-elective admissions and delayed
transfer of care days (the delayed transfers collection ended in February 2020), so the two
searchable columns allow NULL. 2015-era returns still always have both (the validation asks).

PostgreSQL alters the columns in place. SQLite cannot, so the table is copied (batch mode):
its append-only triggers are dropped first and made again after, and foreign keys are checked
at commit (``defer_foreign_keys``) so the performance assessments that name a return stay valid.

Revision ID: 0015_return_metrics
Revises: 0014_icb_users
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_return_metrics"
down_revision: str | Sequence[str] | None = "0014_icb_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "quarterly_returns"
COLUMNS = ("admissions", "delayed_days")


def _table(nullable: bool) -> sa.Table:
    """The table as migration 0005 made it, with the two counts ``nullable`` (SQLite's copy)."""
    return sa.Table(
        TABLE, sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("admissions", sa.Integer(), nullable=nullable),
        sa.Column("delayed_days", sa.Integer(), nullable=nullable),
        sa.Column("income_pence", sa.BigInteger(), nullable=False),
        sa.Column("expenditure_pence", sa.BigInteger(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_quarterly_returns"),
        sa.UniqueConstraint("area_code", "year", "quarter", "version", name="uq_quarterly_returns_version"),
        sa.CheckConstraint("version >= 1", name="ck_quarterly_returns_version_positive"),
        sa.CheckConstraint("admissions >= 0", name="ck_quarterly_returns_admissions_not_negative"),
        sa.CheckConstraint("delayed_days >= 0", name="ck_quarterly_returns_delayed_days_not_negative"),
        sa.Index("ix_quarterly_returns_area_year", "area_code", "year"),
    )


def _sqlite_copy(nullable: bool) -> None:
    op.execute("PRAGMA defer_foreign_keys = ON")
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")
    with op.batch_alter_table(TABLE, recreate="always", copy_from=_table(not nullable)) as batch:
        for column in COLUMNS:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=nullable)
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                   f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")


def _set(nullable: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_copy(nullable)
        return
    for column in COLUMNS:
        op.alter_column(TABLE, column, existing_type=sa.Integer(), nullable=nullable)


def upgrade() -> None:
    _set(True)


def downgrade() -> None:
    _set(False)     # fails if a 2021-22-on return without the counts is stored: it is kept, never guessed
