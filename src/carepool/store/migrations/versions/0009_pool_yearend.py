"""Pool year end: the risk-share agreement says how much of a revenue underspend stays in the
pool (carried forward as next year's brought-forward balance).

Revision ID: 0009_pool_yearend
Revises: 0008_statement_checks
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_pool_yearend"
down_revision: str | Sequence[str] | None = "0008_statement_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_risk_shares") as batch:   # batch: SQLite cannot ALTER constraints
        batch.add_column(sa.Column("carry_forward_pct", sa.Integer(), nullable=False, server_default="0"))
        batch.create_check_constraint("ck_ledger_risk_shares_carry_forward_pct", "carry_forward_pct BETWEEN 0 AND 100")


def downgrade() -> None:
    with op.batch_alter_table("ledger_risk_shares") as batch:
        batch.drop_constraint("ck_ledger_risk_shares_carry_forward_pct", type_="check")
        batch.drop_column("carry_forward_pct")
