"""The information_governance role: web accounts may hold it (agreements, objections, retention, the audit log).

Revision ID: 0016_information_governance
Revises: 0015_return_metrics
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016_information_governance"
down_revision: str | Sequence[str] | None = "0015_return_metrics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("'partner_lead', 'hwb_chair', 'pool_manager', 'national_assurer', 'analyst', 'auditor', "
          "'administrator', 'care_coordinator'")
AFTER = BEFORE + ", 'information_governance'"
NAME = "ck_web_users_role_known"


def _roles(allowed: str) -> None:
    with op.batch_alter_table("web_users") as batch:   # batch: SQLite cannot ALTER constraints
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(op.f(NAME), f"role IN ({allowed})")


def upgrade() -> None:
    _roles(AFTER)


def downgrade() -> None:
    _roles(BEFORE)
