"""The conditions register's repository: append a step, read an area's (or every area's) history.

Functions take a ``Session`` and never commit (the caller owns the unit of work).
"""

from __future__ import annotations

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from carepool.plans.conditions import Condition, ConditionStatus, Entry, replay
from carepool.store.condition_tables import AssuranceConditionRow as Row
from carepool.store.types import as_utc


def entries(session: Session, year: str, area: str | None = None) -> dict[str, list[Entry]]:
    """Every step, by area, oldest first."""
    stmt = select(Row).where(Row.year == year)
    if area is not None:
        stmt = stmt.where(Row.area_code == area)
    out: dict[str, list[Entry]] = {}
    for r in session.scalars(stmt.order_by(Row.area_code, Row.id)):
        out.setdefault(r.area_code, []).append(Entry(
            r.condition_id, r.action, ConditionStatus(r.status), r.text, r.owner, r.due, r.evidence,
            r.plan_version, r.actor, r.at))
    return out


def register(session: Session, year: str, area: str) -> dict[str, Condition]:
    """One area's register as it stands."""
    return replay(entries(session, year, area).get(area, []))


def registers(session: Session, year: str) -> dict[str, dict[str, Condition]]:
    """Every area's register for the year."""
    return {area: replay(found) for area, found in entries(session, year).items()}


def append(session: Session, area: str, year: str, entry: Entry) -> None:
    last = session.scalar(select(func.max(Row.seq)).where(
        Row.area_code == area, Row.year == year, Row.condition_id == entry.condition_id))
    session.add(Row(
        area_code=area, year=year, condition_id=entry.condition_id, seq=(last or 0) + 1, action=entry.action,
        status=entry.status.value, text=entry.text, owner=entry.owner, due=entry.due, evidence=entry.evidence,
        plan_version=entry.plan_version, actor=entry.actor, at=as_utc(entry.at)))
    session.flush()


def latest_id(session: Session) -> int:
    """The highest row id (moves whenever the register changes: a cache key)."""
    return int(session.scalar(select(latest_id_query())) or 0)


def latest_id_query() -> ScalarSelect[int]:
    """``latest_id`` as a scalar subquery, to ask beside other versions in one statement."""
    return select(func.coalesce(func.max(Row.id), 0)).scalar_subquery()
