"""The ``plans`` and ``plan_events`` tables: plan versions and their append-only history.

A plan version's document never changes once it has left draft; every lifecycle step is a new
``plan_events`` row (``seq`` counts from 1 per plan). ``plans.status`` caches the status the
events replay to, updated in the same transaction as the event that changes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from carepool.plans.lifecycle import Status
from carepool.store.db import Base
from carepool.store.types import UtcDateTime

STATUSES = tuple(s.value for s in Status)
_STATUS_LIST = ", ".join(f"'{s}'" for s in STATUSES)  # constants only, no user values


class PlanRow(Base):
    """One version of one area's plan for one programme year."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("area_code", "year", "version", name="uq_plans_area_year_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), nullable=False)
    year: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    illustrative: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)


class PlanEventRow(Base):
    """One lifecycle step of a plan version (who, when, what); rows are never updated."""

    __tablename__ = "plan_events"
    __table_args__ = (
        UniqueConstraint("plan_id", "seq", name="uq_plan_events_plan_seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint(f"to_status IN ({_STATUS_LIST})", name="to_status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
