"""Plans: versions of each area's joint plan and their append-only lifecycle history.

The root of the schema; each feature (ledger, sharing, ...) branches from here.

Revision ID: 0001_plans
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carepool.store.append_only import create_append_only, drop_append_only

revision: str = "0001_plans"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'draft', 'partners_signed_off', 'hwb_signed_off', 'submitted', 'assured', 'superseded'"


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("year", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("area_code", "year", "version", name=op.f("uq_plans_area_year_version")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_plans_version_positive")),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_plans_status_known")),
    )
    op.create_table(
        "plan_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_events")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_events_plan_id_plans")),
        sa.UniqueConstraint("plan_id", "seq", name=op.f("uq_plan_events_plan_seq")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_plan_events_seq_positive")),
        sa.CheckConstraint(f"to_status IN ({STATUSES})", name=op.f("ck_plan_events_to_status_known")),
    )
    op.create_index(op.f("ix_plan_events_plan_id"), "plan_events", ["plan_id"])
    create_append_only("plan_events")   # the database refuses to change or remove an event


def downgrade() -> None:
    drop_append_only("plan_events")
    op.drop_index(op.f("ix_plan_events_plan_id"), table_name="plan_events")
    op.drop_table("plan_events")
    op.drop_table("plans")
