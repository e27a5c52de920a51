"""Sharing: data-sharing agreements, controller keys, objections and the hash-chained audit log.

Revision ID: 0003_sharing
Revises: 0001_plans
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sharing"
down_revision: str | Sequence[str] | None = "0001_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURPOSES = "'direct_care', 'commissioning', 'evaluation'"


def upgrade() -> None:
    op.create_table(
        "sharing_agreements",
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("permitted_fields", sa.JSON(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_sharing_agreements")),
        sa.CheckConstraint(f"purpose IN ({PURPOSES})", name=op.f("ck_sharing_agreements_purpose_known")),
        sa.CheckConstraint("retention_days > 0", name=op.f("ck_sharing_agreements_retention_positive")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_sharing_agreements_dates_ordered")),
    )
    op.create_table(
        "sharing_keys",
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("controller", sa.String(length=16), nullable=False),
        sa.Column("secret_hex", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_sharing_keys")),
        sa.ForeignKeyConstraint(["agreement_id"], ["sharing_agreements.agreement_id"],
                                name=op.f("fk_sharing_keys_agreement_id_sharing_agreements")),
    )
    op.create_table(
        "sharing_objections",
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("organisation", sa.String(length=16), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("nhs_number", name=op.f("pk_sharing_objections")),
    )
    op.create_table(
        "sharing_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_audit")),
        sa.UniqueConstraint("seq", name=op.f("uq_sharing_audit_seq")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_sharing_audit_seq_positive")),
    )
    op.create_table(
        "sharing_audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_audit_head")),
        sa.CheckConstraint("id = 1", name=op.f("ck_sharing_audit_head_single_row")),
    )


def downgrade() -> None:
    for table in ("sharing_audit_head", "sharing_audit", "sharing_objections", "sharing_keys",
                  "sharing_agreements"):
        op.drop_table(table)
