"""Returns: quarterly returns (append-only versions) and payment-for-performance assessments.

Revision ID: 0005_returns
Revises: 0001_plans
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carepool.store.append_only import create_append_only, drop_append_only

revision: str = "0005_returns"
down_revision: str | Sequence[str] | None = "0001_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("quarterly_returns", "performance_assessments")


def upgrade() -> None:
    op.create_table(
        "quarterly_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("admissions", sa.Integer(), nullable=False),
        sa.Column("delayed_days", sa.Integer(), nullable=False),
        sa.Column("income_pence", sa.BigInteger(), nullable=False),
        sa.Column("expenditure_pence", sa.BigInteger(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarterly_returns")),
        sa.UniqueConstraint("area_code", "year", "quarter", "version", name=op.f("uq_quarterly_returns_version")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_quarterly_returns_version_positive")),
        sa.CheckConstraint("admissions >= 0", name=op.f("ck_quarterly_returns_admissions_not_negative")),
        sa.CheckConstraint("delayed_days >= 0", name=op.f("ck_quarterly_returns_delayed_days_not_negative")),
    )
    op.create_index("ix_quarterly_returns_area_year", "quarterly_returns", ["area_code", "year"])
    op.create_table(
        "performance_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.Column("actual", sa.Integer(), nullable=False),
        sa.Column("avoided", sa.Integer(), nullable=False),
        sa.Column("planned_reduction", sa.Integer(), nullable=False),
        sa.Column("share", sa.BigInteger(), nullable=False),
        sa.Column("released", sa.BigInteger(), nullable=False),
        sa.Column("paid_to_acute", sa.BigInteger(), nullable=False),
        sa.Column("tariff_outside", sa.BigInteger(), nullable=False),
        sa.Column("out_of_hospital", sa.BigInteger(), nullable=False),
        sa.Column("ledger_key", sa.String(length=300), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_assessments")),
        sa.ForeignKeyConstraint(["return_id"], ["quarterly_returns.id"],
                                name=op.f("fk_performance_assessments_return_id_quarterly_returns")),
    )
    op.create_index("ix_performance_assessments_area_year", "performance_assessments", ["area_code", "year"])
    for table in APPEND_ONLY:   # the database itself refuses to change or remove them
        create_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_index("ix_performance_assessments_area_year", table_name="performance_assessments")
    op.drop_table("performance_assessments")
    op.drop_index("ix_quarterly_returns_area_year", table_name="quarterly_returns")
    op.drop_table("quarterly_returns")
