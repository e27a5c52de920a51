"""Budgets: joined-up personal budgets (imports, people, versions, plan lines, payments,
authorisations, spend). Pool-funded payments are posted to the ledger, hence the dependency.

Revision ID: 0007_budgets
Revises: 0002_ledger
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_budgets"
down_revision: str | Sequence[str] | None = "0002_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROUTES = "'direct_payment', 'managed_account', 'third_party'"
FUNDERS = "'nhs', 'la', 'person'"


def upgrade() -> None:
    op.create_table(
        "budget_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_imports")),
    )
    op.create_table(
        "budget_people",
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("cohort", sa.String(length=64), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_budget_people")),
        sa.ForeignKeyConstraint(["import_id"], ["budget_imports.id"],
                                name=op.f("fk_budget_people_import_id_budget_imports")),
    )
    op.create_index(op.f("ix_budget_people_area_code"), "budget_people", ["area_code"])
    op.create_table(
        "budget_versions",
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("ccg_code", sa.String(length=16), nullable=False),
        sa.Column("la_code", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.Column("payee", sa.String(length=300), nullable=False),
        sa.Column("contribution", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "version", name=op.f("pk_budget_versions")),
        sa.ForeignKeyConstraint(["person_id"], ["budget_people.person_id"],
                                name=op.f("fk_budget_versions_person_id_budget_people")),
        sa.CheckConstraint(f"route IN ({ROUTES})", name=op.f("ck_budget_versions_route_known")),
        sa.CheckConstraint("contribution >= 0", name=op.f("ck_budget_versions_contribution_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_budget_versions_version_positive")),
    )
    op.create_table(
        "budget_lines",
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("need", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("nhs", sa.BigInteger(), nullable=False),
        sa.Column("la", sa.BigInteger(), nullable=False),
        sa.Column("person", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "version", "ref", name=op.f("pk_budget_lines")),
        sa.ForeignKeyConstraint(["person_id", "version"], ["budget_versions.person_id", "budget_versions.version"],
                                name="fk_budget_lines_version_budget_versions"),
        sa.CheckConstraint("cost = nhs + la + person", name=op.f("ck_budget_lines_shares_add_up")),
    )
    op.create_table(
        "budget_payments",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("funder", sa.String(length=16), nullable=False),
        sa.Column("payer", sa.String(length=64), nullable=False),
        sa.Column("payee", sa.String(length=300), nullable=False),
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("budget_version", sa.Integer(), nullable=False),
        sa.Column("authorisation", sa.String(length=64), nullable=True),
        sa.Column("pool", sa.String(length=16), nullable=True),
        sa.Column("ledger_key", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_budget_payments")),
        sa.ForeignKeyConstraint(["person_id"], ["budget_people.person_id"],
                                name=op.f("fk_budget_payments_person_id_budget_people")),
        sa.CheckConstraint(f"route IN ({ROUTES})", name=op.f("ck_budget_payments_route_known")),
        sa.CheckConstraint(f"funder IN ({FUNDERS})", name=op.f("ck_budget_payments_funder_known")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_budget_payments_amount_positive")),
    )
    op.create_index("ix_budget_payments_person_id", "budget_payments", ["person_id"])
    op.create_table(
        "budget_authorisations",
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("funder", sa.String(length=16), nullable=False),
        sa.Column("extra", sa.BigInteger(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "ref", name=op.f("pk_budget_authorisations")),
        sa.ForeignKeyConstraint(["person_id"], ["budget_people.person_id"],
                                name=op.f("fk_budget_authorisations_person_id_budget_people")),
        sa.CheckConstraint("extra > 0", name=op.f("ck_budget_authorisations_extra_positive")),
    )
    op.create_table(
        "budget_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("line_ref", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_spend")),
        sa.ForeignKeyConstraint(["person_id"], ["budget_people.person_id"],
                                name=op.f("fk_budget_spend_person_id_budget_people")),
    )
    op.create_index("ix_budget_spend_person_id", "budget_spend", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_budget_spend_person_id", table_name="budget_spend")
    op.drop_index("ix_budget_payments_person_id", table_name="budget_payments")
    op.drop_index(op.f("ix_budget_people_area_code"), table_name="budget_people")
    for table in ("budget_spend", "budget_authorisations", "budget_payments", "budget_lines", "budget_versions",
                  "budget_people", "budget_imports"):
        op.drop_table(table)
