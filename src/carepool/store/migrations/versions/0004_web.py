"""Web: local user accounts of the web service.

Revision ID: 0004_web
Revises: 0001_plans
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_web"
down_revision: str | Sequence[str] | None = "0001_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("'partner_lead', 'hwb_chair', 'pool_manager', 'national_assurer', 'analyst', 'auditor', "
         "'administrator'")
KINDS = "'ccg', 'la', 'hwb', 'national'"


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("org_code", sa.String(length=32), nullable=False),
        sa.Column("org_kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("email", name=op.f("uq_web_users_email")),
        sa.CheckConstraint(f"role IN ({ROLES})", name=op.f("ck_web_users_role_known")),
        sa.CheckConstraint(f"org_kind IN ({KINDS})", name=op.f("ck_web_users_org_kind_known")),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_web_users_failed_logins_not_negative")),
    )


def downgrade() -> None:
    op.drop_table("web_users")
