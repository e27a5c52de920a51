"""The plan in force: which version of an area's plan the money follows (issues 12 and 16).

The plan in force is the latest assured version whose outcome the year funds, until a newer
version is assured with a fundable outcome. A newer draft (or a submitted version waiting for
assurance) never hides it, and a newer version assured "not approved" leaves it in force: the
change was refused, the agreed plan stands. An area whose only assured versions were not
approved has no plan in force and gets no money, returns or payment for performance.
Every money path (contributions, spend, returns, payment for performance, dashboard figures,
scorecard, web actions) asks here, never reads ``status == assured`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from carepool.plans.lifecycle import PlanState
from carepool.programme import ProgrammeYear, load_programme
from carepool.store import plan_repo as repo
from carepool.store.db import Store
from carepool.store.plan_repo import PlanRecord


@dataclass(frozen=True)
class InForce:
    """One area's position: the record in force (if any) and, when none, why not."""

    area: str
    record: PlanRecord | None
    state: PlanState | None
    refused: str = ""      # why the area has no plan in force although a version was assured


def positions(session: Session, programme: ProgrammeYear, area: str | None = None) -> dict[str, InForce]:
    """Every area with an assured version (or the one area): its plan in force, or why none."""
    by_area: dict[str, list[tuple[PlanRecord, PlanState]]] = {}
    for record, state in repo.assured_versions(session, programme.id, area):
        by_area.setdefault(record.area_code, []).append((record, state))
    out: dict[str, InForce] = {}
    for code, versions in by_area.items():
        fundable = [(r, s) for r, s in versions if s.is_fundable(programme)]
        if fundable:
            record, state = max(fundable, key=lambda rs: rs[0].version)
            out[code] = InForce(code, record, state)
        else:
            record, state = max(versions, key=lambda rs: rs[0].version)
            out[code] = InForce(code, None, state,
                                f"no plan in force for {code} in {programme.id}: version {record.version} "
                                f"is not funded because {state.why_not_fundable(programme)}")
    return out


def plans_in_force(session: Session, programme: ProgrammeYear, area: str | None = None) -> dict[str, PlanRecord]:
    """The record in force of every area that has one (or of the one area)."""
    return {c: p.record for c, p in positions(session, programme, area).items() if p.record is not None}


def refusals(session: Session, programme: ProgrammeYear, area: str | None = None) -> dict[str, str]:
    """Areas with an assured version but no plan in force, and why (e.g. assured "not approved")."""
    return {c: p.refused for c, p in positions(session, programme, area).items() if p.record is None}


def in_force(store: Store, year: str, area: str) -> InForce | None:
    """One area's plan in force (None when it never had an assured version)."""
    programme = load_programme(year)
    with store.transaction() as session:
        return positions(session, programme, area).get(area)


def records_in_force(store: Store, year: str) -> dict[str, PlanRecord]:
    """Every area's record in force for the year."""
    programme = load_programme(year)
    with store.transaction() as session:
        return plans_in_force(session, programme)
