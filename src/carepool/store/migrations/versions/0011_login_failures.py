"""Web: failed log-ins per client address, in the store so the limit holds across workers and restarts.

Revision ID: 0011_login_failures
Revises: 0010_conditions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_login_failures"
down_revision: str | Sequence[str] | None = "0010_conditions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_failures")),
    )
    op.create_index("ix_web_login_failures_address_at", "web_login_failures", ["address", "at"])
    op.create_index("ix_web_login_failures_at", "web_login_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_web_login_failures_at", table_name="web_login_failures")
    op.drop_index("ix_web_login_failures_address_at", table_name="web_login_failures")
    op.drop_table("web_login_failures")
