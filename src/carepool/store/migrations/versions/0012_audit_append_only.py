"""The data-sharing audit log becomes append-only in the database itself, and its head may only move on.

``sharing_audit`` refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL). ``sharing_audit_head``
refuses DELETE and TRUNCATE, and an UPDATE unless it moves the head forward by exactly one
entry (what every append does), so neither the log nor its head can be cut short or wound back
through SQL. Someone able to drop triggers is caught by the keyed chain and the anchor
(``sharing.audit``).

Revision ID: 0012_audit_append_only
Revises: 0011_login_failures
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from carepool.store.append_only import create_append_only, create_no_truncate, drop_append_only

revision: str = "0012_audit_append_only"
down_revision: str | Sequence[str] | None = "0011_login_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOG = "sharing_audit"
HEAD = "sharing_audit_head"
MESSAGE = "sharing_audit_head only moves forward, one entry at a time"


def upgrade() -> None:
    create_append_only(LOG)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION {HEAD}_forward() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 THEN RETURN NEW; END IF; "
                   f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$")
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {HEAD}_no_{verb.lower()} BEFORE {verb} ON {HEAD} "
                       f"FOR EACH ROW EXECUTE FUNCTION {HEAD}_forward()")
        create_no_truncate(HEAD, f"{HEAD}_forward")
    else:
        op.execute(f"CREATE TRIGGER {HEAD}_no_update BEFORE UPDATE ON {HEAD} "
                   f"WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        op.execute(f"CREATE TRIGGER {HEAD}_no_delete BEFORE DELETE ON {HEAD} "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for verb in ("update", "delete", "truncate") if postgres else ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_{verb}" + (f" ON {HEAD}" if postgres else ""))
    if postgres:
        op.execute(f"DROP FUNCTION IF EXISTS {HEAD}_forward()")
    drop_append_only(LOG)
