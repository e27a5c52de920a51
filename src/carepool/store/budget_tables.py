"""Joined-up personal budgets in the store: imports, people, budget versions, plan lines,
payments, authorisations and spend records (migration ``0007_budgets``).

Money is whole pence (``BigInteger``). A version is never updated: a review adds the next
version. Each pool-funded payment names the ledger transaction it was posted as
(``ledger_key``); the person's own contribution never passes through the pool, so its
``ledger_key`` is empty. Person ids are pseudonymous, never NHS numbers.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from carepool.store.db import Base
from carepool.store.types import UtcDateTime

metadata = Base.metadata
ROUTES = ("direct_payment", "managed_account", "third_party")
FUNDERS = ("nhs", "la", "person")
_ROUTE_LIST = ", ".join(f"'{r}'" for r in ROUTES)     # constants only, no user values
_FUNDER_LIST = ", ".join(f"'{f}'" for f in FUNDERS)

imports = Table(
    "budget_imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(300), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("people", Integer, nullable=False),
    Column("illustrative", Boolean, nullable=False),
)

people = Table(
    "budget_people", metadata,
    Column("person_id", String(32), primary_key=True),
    Column("import_id", ForeignKey("budget_imports.id"), nullable=False),
    Column("area_code", String(16), nullable=False, index=True),
    Column("cohort", String(64), nullable=False),
    Column("age", Integer, nullable=False),
    Column("illustrative", Boolean, nullable=False),
)

versions = Table(
    "budget_versions", metadata,
    Column("person_id", ForeignKey("budget_people.person_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("by", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("area_code", String(16), nullable=False),
    Column("ccg_code", String(16), nullable=False),
    Column("la_code", String(16), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("route", String(32), nullable=False),
    Column("payee", String(300), nullable=False),
    Column("contribution", BigInteger, nullable=False),
    CheckConstraint(f"route IN ({_ROUTE_LIST})", name="route_known"),
    CheckConstraint("contribution >= 0", name="contribution_not_negative"),
    CheckConstraint("version >= 1", name="version_positive"),
)

lines = Table(
    "budget_lines", metadata,
    Column("person_id", String(32), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("ref", String(32), primary_key=True),
    Column("description", Text, nullable=False),
    Column("need", String(64), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("cost", BigInteger, nullable=False),
    Column("nhs", BigInteger, nullable=False),
    Column("la", BigInteger, nullable=False),
    Column("person", BigInteger, nullable=False),
    ForeignKeyConstraint(["person_id", "version"], ["budget_versions.person_id", "budget_versions.version"],
                         name="fk_budget_lines_version_budget_versions"),
    CheckConstraint("cost = nhs + la + person", name="shares_add_up"),
)

payments = Table(
    "budget_payments", metadata,
    Column("key", String(300), primary_key=True),
    Column("person_id", ForeignKey("budget_people.person_id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("funder", String(16), nullable=False),
    Column("payer", String(64), nullable=False),
    Column("payee", String(300), nullable=False),
    Column("route", String(32), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("budget_version", Integer, nullable=False),
    Column("authorisation", String(64), nullable=True),
    Column("pool", String(16), nullable=True),
    Column("ledger_key", String(300), nullable=True),
    Index("ix_budget_payments_person_id", "person_id"),
    CheckConstraint(f"route IN ({_ROUTE_LIST})", name="route_known"),
    CheckConstraint(f"funder IN ({_FUNDER_LIST})", name="funder_known"),
    CheckConstraint("amount > 0", name="amount_positive"),
)

authorisations = Table(
    "budget_authorisations", metadata,
    Column("person_id", ForeignKey("budget_people.person_id"), primary_key=True),
    Column("ref", String(64), primary_key=True),
    Column("funder", String(16), nullable=False),
    Column("extra", BigInteger, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    CheckConstraint("extra > 0", name="extra_positive"),
)

spend = Table(
    "budget_spend", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("budget_people.person_id"), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("line_ref", String(32), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Index("ix_budget_spend_person_id", "person_id"),
)

TABLES = (imports, people, versions, lines, payments, authorisations, spend)
