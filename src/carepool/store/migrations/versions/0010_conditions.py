"""Conditions register: each condition set at assurance, met or lapsed (append-only history).

Revision ID: 0010_conditions
Revises: 0009_pool_yearend
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carepool.store.append_only import create_append_only, drop_append_only

revision: str = "0010_conditions"
down_revision: str | Sequence[str] | None = "0009_pool_yearend"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "assurance_conditions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("condition_id", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_conditions")),
        sa.UniqueConstraint("area_code", "year", "condition_id", "seq", name=op.f("uq_assurance_conditions_step")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_assurance_conditions_seq_positive")),
        sa.CheckConstraint("status IN ('open', 'met', 'lapsed')", name=op.f("ck_assurance_conditions_status_known")),
        sa.CheckConstraint("action IN ('set', 'met', 'lapsed')", name=op.f("ck_assurance_conditions_action_known")),
    )
    op.create_index("ix_assurance_conditions_area_year", TABLE, ["area_code", "year"])
    create_append_only(TABLE)


def downgrade() -> None:
    drop_append_only(TABLE)
    op.drop_index("ix_assurance_conditions_area_year", table_name=TABLE)
    op.drop_table(TABLE)
