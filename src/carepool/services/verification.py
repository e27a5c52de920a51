"""Verified admissions decide payment for performance (issue 12, defect 6).

A quarterly return's own admissions figure is self-reported. Where the metrics engine or a loaded
national series has the quarter, that *verified* figure decides: ``verify_quarter`` posts each
area's quarter on it (a posting made on a self-reported figure is marked provisional and is
reversed and re-posted, even when the figures agree, so the books say which figure decided), and
a return that differs from it by more than the year's ``admissions_tolerance_pct`` is a finding.
A return submitted after its quarter was verified is stored as reported, but the verified figure
decides its payment (``for_returns``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from carepool.errors import ValidationFailed
from carepool.findings import Finding, error, warning
from carepool.programme import ProgrammeYear
from carepool.services.clock import now_utc
from carepool.services.ledger import ACTOR, assured_plans
from carepool.services.performance import (
    PROVISIONAL,
    VERIFIED,
    VERIFIED_SOURCE,
    QuarterRun,
    post_quarter,
    programme_for_quarter,
)
from carepool.store import return_repo as returns_repo
from carepool.store.db import Store


@dataclass(frozen=True)
class Verification:
    quarter: str
    year: str
    run: QuarterRun
    findings: tuple[Finding, ...]   # returns that differ from the verified figure beyond the tolerance


def verified_figures(session: Session, programme: ProgrammeYear, quarter: str) -> dict[str, int]:
    """The latest verified admissions of each area for the quarter (none before verification)."""
    out: dict[str, int] = {}
    for a in returns_repo.assessments(session, None, programme.id):
        if a.quarter == quarter and a.source.startswith(VERIFIED_SOURCE):
            out[a.area_code] = a.actual
    return out


def difference(programme: ProgrammeYear, area: str, quarter: str, reported: int, verified: int) -> Finding | None:
    """A finding when the reported figure is further from the verified one than the year's tolerance."""
    tolerance = programme.admissions_tolerance_pct
    if Decimal(abs(reported - verified)) * 100 <= tolerance * Decimal(max(verified, 1)):
        return None
    return warning("performance.return-differs",
                   f"{area} reported {reported:,} non-elective admissions for {quarter}; the verified figure is "
                   f"{verified:,} (more than {tolerance}% apart): the verified figure decides the payment",
                   field="non_elective_admissions")


def for_returns(session: Session, programme: ProgrammeYear, quarter: str,
                reported: Mapping[str, int]) -> tuple[dict[str, int], dict[str, str], list[Finding]]:
    """For returns being posted: the admissions that decide (verified where known), each area's note, findings."""
    verified = verified_figures(session, programme, quarter)
    figures: dict[str, int] = {}
    notes: dict[str, str] = {}
    findings: list[Finding] = []
    for area, value in reported.items():
        if area in verified:
            figures[area], notes[area] = verified[area], VERIFIED
            found = difference(programme, area, quarter, value, verified[area])
            if found is not None:
                findings.append(found)
        else:
            figures[area], notes[area] = value, PROVISIONAL
    return figures, notes, findings


def verify_quarter(store: Store, quarter: str, admissions: Mapping[tuple[str, str], int], *, source: str,
                   actor: str = ACTOR, at: datetime | None = None) -> Verification:
    """Post the quarter on verified admissions for every area with a plan in force that the data covers."""
    programme = programme_for_quarter(quarter)
    when = at or now_utc()
    with store.transaction() as session:
        plans = assured_plans(session, programme.id)
        figures = {area: n for (area, q), n in admissions.items() if q == quarter and area in plans}
        if not figures:
            raise ValidationFailed(f"{quarter}: the data has no admissions for an area with a plan in force", [
                error("performance.no-admissions", f"no verified admissions for {quarter} for any area with a "
                      "plan in force", field="quarter")])
        latest: dict[str, int] = {}
        for r in returns_repo.versions(session, None, programme.id, quarter):
            if r.document.admissions is not None:
                latest[r.area_code] = r.document.admissions
        findings = [f for area, value in sorted(latest.items()) if area in figures
                    if (f := difference(programme, area, quarter, value, figures[area])) is not None]
        run = post_quarter(session, programme, quarter, {(a, quarter): n for a, n in figures.items()},
                           areas=set(figures), actor=actor, at=when, source=f"{VERIFIED_SOURCE}{source}",
                           correct=True, notes={a: VERIFIED for a in figures})
    return Verification(quarter, programme.id, run, tuple(findings))
