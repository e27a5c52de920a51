"""Sharing lifecycle: objections as an append-only history, held datasets (retention), MESH mailboxes.

Existing objections become "recorded" events; the old one-row-per-number table goes.

Revision ID: 0006_sharing_lifecycle
Revises: 0003_sharing
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carepool.store.append_only import create_append_only, drop_append_only

revision: str = "0006_sharing_lifecycle"
down_revision: str | Sequence[str] | None = "0003_sharing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("sharing_objection_events",)


def upgrade() -> None:
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.add_column(sa.Column("mailboxes", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "sharing_objection_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_objection_events")),
        sa.CheckConstraint("event IN ('recorded', 'withdrawn')",
                           name=op.f("ck_sharing_objection_events_event_known")),
    )
    op.create_index("ix_sharing_objection_events_nhs_number", "sharing_objection_events", ["nhs_number"])
    op.execute(
        'INSERT INTO sharing_objection_events (nhs_number, event, organisation, "on", at, actor, note) '
        "SELECT nhs_number, 'recorded', organisation, recorded_on, CURRENT_TIMESTAMP, 'migration 0006', note "
        "FROM sharing_objections ORDER BY nhs_number")
    op.drop_table("sharing_objections")
    op.create_table(
        "sharing_datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_datasets")),
        sa.ForeignKeyConstraint(["agreement_id"], ["sharing_agreements.agreement_id"],
                                name=op.f("fk_sharing_datasets_agreement_id_sharing_agreements")),
        sa.CheckConstraint("kind IN ('received', 'links')", name=op.f("ck_sharing_datasets_kind_known")),
    )
    for table in APPEND_ONLY:
        create_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_table("sharing_datasets")
    op.create_table(
        "sharing_objections",
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("nhs_number", name=op.f("pk_sharing_objections")),
    )
    op.execute(  # objections in force: the latest event per number is "recorded"
        "INSERT INTO sharing_objections (nhs_number, organisation, recorded_on, note) "
        'SELECT e.nhs_number, e.organisation, e."on", e.note FROM sharing_objection_events e '
        "WHERE e.event = 'recorded' AND e.id = (SELECT MAX(l.id) FROM sharing_objection_events l "
        "WHERE l.nhs_number = e.nhs_number)")
    op.drop_index("ix_sharing_objection_events_nhs_number", table_name="sharing_objection_events")
    op.drop_table("sharing_objection_events")
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.drop_column("mailboxes")
