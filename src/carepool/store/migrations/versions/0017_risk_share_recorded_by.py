"""Who recorded a pool's risk-share agreement, and when.

A pool manager records (and may change) the agreement settlement shares the over/underspend
by; the ledger's other decisions already say who made them (a batch's actor, a closed period's
closed_by). Agreements recorded before this migration have neither (NULL: not known).

Revision ID: 0017_risk_share_recorded_by
Revises: 0016_information_governance
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_risk_share_recorded_by"
down_revision: str | Sequence[str] | None = "0016_information_governance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ledger_risk_shares", sa.Column("recorded_by", sa.String(200), nullable=True))
    op.add_column("ledger_risk_shares", sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_risk_shares") as batch:
        batch.drop_column("recorded_at")
        batch.drop_column("recorded_by")
