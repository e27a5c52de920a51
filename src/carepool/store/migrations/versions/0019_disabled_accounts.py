"""Accounts can be disabled: ``web_users.disabled_at`` (when an administrator disabled it, or NULL).

Revision ID: 0019_disabled_accounts
Revises: 0018_posting_lines
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_disabled_accounts"
down_revision: str | Sequence[str] | None = "0018_posting_lines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_users") as batch:
        batch.drop_column("disabled_at")
