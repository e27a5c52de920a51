"""Two kinds of objection: ``sharing_objection_events.kind`` is ``local`` (the s.251B objection, every
existing event) or ``national_opt_out`` (the national data opt-out), each with its own history.

The column is added in place (not by copying the table), so the append-only triggers of 0006 stay.
Downgrading is refused while a national data opt-out is recorded: the old schema would read it as a
local objection, which stops direct care the opt-out never stops.

Revision ID: 0020_objection_kinds
Revises: 0019_disabled_accounts
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_objection_kinds"
down_revision: str | Sequence[str] | None = "0019_disabled_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite and PostgreSQL both take a CHECK on ADD COLUMN; existing rows get the default
    op.execute("ALTER TABLE sharing_objection_events ADD COLUMN kind VARCHAR(24) DEFAULT 'local' NOT NULL "
               "CONSTRAINT ck_sharing_objection_events_kind_known CHECK (kind IN ('local', 'national_opt_out'))")


def downgrade() -> None:
    opted_out = op.get_bind().scalar(sa.text(
        "SELECT COUNT(*) FROM sharing_objection_events WHERE kind = 'national_opt_out'"))
    if opted_out:
        raise RuntimeError(f"{opted_out} national data opt-out events are recorded; the schema before 0020 "
                           "cannot tell them from local objections, so the downgrade stops here")
    op.drop_column("sharing_objection_events", "kind")
