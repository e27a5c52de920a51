"""The ``assurance_conditions`` table: the conditions register's history (append-only, both backends).

One row per step of a condition (set, met, lapsed) for an area's year; the register is what the
rows replay to (``carepool.plans.conditions.replay``). The database refuses UPDATE and DELETE
(triggers in 0010), so what was asked, who met it and with what evidence cannot be rewritten.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carepool.store.db import Base
from carepool.store.types import UtcDateTime


class AssuranceConditionRow(Base):
    """One step of one condition of one area's year; never updated."""

    __tablename__ = "assurance_conditions"
    __table_args__ = (
        UniqueConstraint("area_code", "year", "condition_id", "seq", name="uq_assurance_conditions_step"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("status IN ('open', 'met', 'lapsed')", name="status_known"),
        CheckConstraint("action IN ('set', 'met', 'lapsed')", name="action_known"),
        Index("ix_assurance_conditions_area_year", "area_code", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(16), nullable=False)
    year: Mapped[str] = mapped_column(String(32), nullable=False)
    condition_id: Mapped[str] = mapped_column(String(16), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    due: Mapped[date] = mapped_column(Date, nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    plan_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
