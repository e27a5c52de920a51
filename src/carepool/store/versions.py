"""How far each part of the store has moved: the keys of the cached views (``store/cache.py``).

Plan events, ledger transactions and conditions-register entries are append-only, so the
highest id of a part's rows moves exactly when the part changes. Views key on the parts they
show, no wider: an area's page on that area's rows, the evidence report on the assurance events
(the only events that change a plan in force; an assured version is never superseded), so a
draft for one area leaves every other area's page and the plans in force cached.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carepool.plans.lifecycle import Status
from carepool.store import ledger_tables
from carepool.store.condition_tables import AssuranceConditionRow
from carepool.store.plan_tables import PlanEventRow, PlanRow


def plan_versions(session: Session, year: str, area: str | None = None) -> dict[str, int]:
    """Area -> highest plan-event id of its plans for ``year`` (areas with a plan only)."""
    stmt = (select(PlanRow.area_code, func.max(PlanEventRow.id))
            .join(PlanEventRow, PlanEventRow.plan_id == PlanRow.id)
            .where(PlanRow.year == year).group_by(PlanRow.area_code))
    if area is not None:
        stmt = stmt.where(PlanRow.area_code == area)
    return {code: int(top) for code, top in session.execute(stmt)}


def assured_version(session: Session, year: str) -> int:
    """Highest id of an event that assured a version for ``year``: moves when a plan in force may change."""
    stmt = (select(func.coalesce(func.max(PlanEventRow.id), 0))
            .join(PlanRow, PlanEventRow.plan_id == PlanRow.id)
            .where(PlanRow.year == year, PlanEventRow.to_status == Status.ASSURED.value))
    return int(session.scalar(stmt) or 0)


def ledger_version(session: Session, area: str | None = None) -> int:
    """Highest ledger transaction id (of one area's pools, or of all)."""
    stmt = select(func.coalesce(func.max(ledger_tables.transactions.c.id), 0))
    if area is not None:
        stmt = stmt.where(ledger_tables.transactions.c.area == area)
    return int(session.scalar(stmt) or 0)


def conditions_version(session: Session, year: str, area: str) -> int:
    """Highest conditions-register row id of one area's plans for ``year``."""
    stmt = select(func.coalesce(func.max(AssuranceConditionRow.id), 0)).where(
        AssuranceConditionRow.year == year, AssuranceConditionRow.area_code == area)
    return int(session.scalar(stmt) or 0)


def area_version(session: Session, year: str, area: str) -> tuple[int, int, int]:
    """(plan events, ledger transactions, conditions register) of one area: moves when its page may change.

    One statement of three indexed maxima, since every area page asks it."""
    events = (select(func.coalesce(func.max(PlanEventRow.id), 0))
              .join(PlanRow, PlanEventRow.plan_id == PlanRow.id)
              .where(PlanRow.area_code == area, PlanRow.year == year).scalar_subquery())
    txns = (select(func.coalesce(func.max(ledger_tables.transactions.c.id), 0))
            .where(ledger_tables.transactions.c.area == area).scalar_subquery())
    conditions = (select(func.coalesce(func.max(AssuranceConditionRow.id), 0))
                  .where(AssuranceConditionRow.year == year, AssuranceConditionRow.area_code == area)
                  .scalar_subquery())
    row = session.execute(select(events, txns, conditions)).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)
