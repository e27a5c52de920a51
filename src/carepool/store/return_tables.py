"""The ``quarterly_returns`` and ``performance_assessments`` tables (append-only, both backends).

``quarterly_returns``: one row per submitted version of an area's return for a quarter; the
document is the return as JSON (amounts in pence), the searchable figures are columns. A
correction is a new version; the database refuses UPDATE and DELETE (triggers in 0005).

``performance_assessments``: each quarter's payment-for-performance figures as assessed and
posted (baseline, actual, avoided, and the amounts in pence), with the ledger transaction key
and the return that supplied the admissions (none when a quarter was run from a file). The
quarter view reads these instead of the ledger's narrations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from carepool.store.db import Base
from carepool.store.types import UtcDateTime


class QuarterlyReturnRow(Base):
    """One submitted version of one area's return for one quarter; never updated."""

    __tablename__ = "quarterly_returns"
    __table_args__ = (
        UniqueConstraint("area_code", "year", "quarter", "version", name="uq_quarterly_returns_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("admissions >= 0", name="admissions_not_negative"),
        CheckConstraint("delayed_days >= 0", name="delayed_days_not_negative"),
        Index("ix_quarterly_returns_area_year", "area_code", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), nullable=False)
    year: Mapped[str] = mapped_column(String(32), nullable=False)
    quarter: Mapped[str] = mapped_column(String(8), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # not asked for from 2021-22 (migration 0015 allows NULL): those returns report their metrics
    admissions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delayed_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    income_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expenditure_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    illustrative: Mapped[bool] = mapped_column(Boolean, nullable=False)
    submitted_by: Mapped[str] = mapped_column(String(200), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)


class PerformanceAssessmentRow(Base):
    """A quarter's payment-for-performance figures as posted (pence); never updated."""

    __tablename__ = "performance_assessments"
    __table_args__ = (
        Index("ix_performance_assessments_area_year", "area_code", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), nullable=False)
    year: Mapped[str] = mapped_column(String(32), nullable=False)
    quarter: Mapped[str] = mapped_column(String(8), nullable=False)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("quarterly_returns.id"), nullable=True)
    baseline: Mapped[int] = mapped_column(Integer, nullable=False)
    actual: Mapped[int] = mapped_column(Integer, nullable=False)
    avoided: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_reduction: Mapped[int] = mapped_column(Integer, nullable=False)
    share: Mapped[int] = mapped_column(BigInteger, nullable=False)
    released: Mapped[int] = mapped_column(BigInteger, nullable=False)
    paid_to_acute: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tariff_outside: Mapped[int] = mapped_column(BigInteger, nullable=False)
    out_of_hospital: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ledger_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    assessed_by: Mapped[str] = mapped_column(String(200), nullable=False)
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
