"""A two-year programme's risk-share agreements are per plan year: ``ledger_risk_shares.year`` holds
'bcf-2023-25:2024-25' (the settlement's own year) instead of the programme id.

Before this, one agreement stood for both plan years; each plan year now starts with a copy of it
(kind, shares, carry-forward, who recorded it and when), so settlement shares exactly as before
until the partners record a different agreement for a year. Downgrading keeps the first plan year's
agreement as the programme's (a different later-year agreement cannot be kept in the old shape).

Revision ID: 0021_risk_share_plan_years
Revises: 0020_objection_kinds
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_risk_share_plan_years"
down_revision: str | Sequence[str] | None = "0020_objection_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the two-year programmes as shipped when this migration was written (programme/years/*.yaml)
TWO_YEAR = {"bcf-2017-19": ("2017-18", "2018-19"), "bcf-2023-25": ("2023-24", "2024-25")}

risk_shares = sa.table(
    "ledger_risk_shares",
    sa.column("id", sa.Integer), sa.column("area", sa.String), sa.column("year", sa.String),
    sa.column("pool", sa.String), sa.column("kind", sa.String), sa.column("shares", sa.JSON),
    sa.column("carry_forward_pct", sa.Integer), sa.column("recorded_by", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)
KEPT = ("area", "pool", "kind", "shares", "carry_forward_pct", "recorded_by", "recorded_at")


def upgrade() -> None:
    bind = op.get_bind()
    c = risk_shares.c
    rows = bind.execute(sa.select(risk_shares).where(c.year.in_(list(TWO_YEAR)))).mappings().all()
    for row in rows:
        for label in TWO_YEAR[row["year"]]:
            bind.execute(sa.insert(risk_shares).values(year=f"{row['year']}:{label}", **{k: row[k] for k in KEPT}))
        bind.execute(sa.delete(risk_shares).where(c.id == row["id"]))


def downgrade() -> None:
    bind = op.get_bind()
    c = risk_shares.c
    for programme, labels in TWO_YEAR.items():
        keys = [f"{programme}:{label}" for label in labels]
        rows = bind.execute(sa.select(risk_shares).where(c.year == keys[0])).mappings().all()
        for row in rows:
            bind.execute(sa.insert(risk_shares).values(year=programme, **{k: row[k] for k in KEPT}))
        bind.execute(sa.delete(risk_shares).where(c.year.in_(keys)))
