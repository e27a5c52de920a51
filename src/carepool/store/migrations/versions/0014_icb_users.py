"""ICB accounts: web users may belong to an Integrated Care Board (the NHS partner since July 2022).

Revision ID: 0014_icb_users
Revises: 0013_care_coordinator
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014_icb_users"
down_revision: str | Sequence[str] | None = "0013_care_coordinator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "'ccg', 'la', 'hwb', 'national'"
AFTER = "'ccg', 'icb', 'la', 'hwb', 'national'"
NAME = "ck_web_users_org_kind_known"


def _kinds(allowed: str) -> None:
    with op.batch_alter_table("web_users") as batch:   # batch: SQLite cannot ALTER constraints
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(op.f(NAME), f"org_kind IN ({allowed})")


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    _kinds(BEFORE)
