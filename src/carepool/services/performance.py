"""Payment-for-performance use case: run a quarter for every assured plan against actual admissions.

Admissions come from a file (``read_admissions``) or straight from the metrics engine
(``{(area, quarter): admissions}``); either way every missing or bad figure is reported and
nothing posts unless all areas can be assessed. Re-running a quarter posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from carepool.errors import InputError, ValidationFailed
from carepool.exchange.ledger_admissions import read_admissions
from carepool.findings import Finding, error, has_errors
from carepool.money import Money
from carepool.performance import QuarterOutcome, assess_quarter, quarter_transaction
from carepool.programme import ProgrammeYear, available_programmes, load_programme
from carepool.services.ledger import ACTOR, assured_plans, now, performance_element
from carepool.store import ledger_repo as repo
from carepool.store.db import Store


@dataclass(frozen=True)
class QuarterRun:
    quarter: str
    year: str
    outcomes: tuple[QuarterOutcome, ...]
    posted: int
    skipped: int

    def total(self, field: str) -> Money:
        return Money(sum(int(getattr(o, field)) for o in self.outcomes))


def programme_for_quarter(quarter: str) -> ProgrammeYear:
    for year_id in available_programmes():
        year = load_programme(year_id)
        if quarter in year.quarters:
            return year
    raise InputError(f"no programme year has the quarter '{quarter}'")


def admissions_from_file(path: Path) -> dict[tuple[str, str], int]:
    data, findings = read_admissions(path)
    if has_errors(findings):
        raise ValidationFailed(f"{path.name}: {len(findings)} problem(s); nothing was posted", findings)
    return data


def admissions_from_activity(data_dir: Path, engine: str = "duckdb") -> dict[tuple[str, str], int]:
    """Quarterly emergency admissions counted by the metrics engine from person-level activity."""
    from carepool.engines.compute import quarterly_emergency_admissions

    return quarterly_emergency_admissions(data_dir, engine)


def run_quarter(store: Store, quarter: str, admissions: Mapping[tuple[str, str], int], *,
                area: str | None = None, actor: str = ACTOR, at: datetime | None = None) -> QuarterRun:
    """Assess ``quarter`` for every assured plan (or one area) and post the results as one batch."""
    programme = programme_for_quarter(quarter)
    with store.transaction() as session:
        plans = assured_plans(session, programme.id, area)
        findings: list[Finding] = []
        outcomes: list[QuarterOutcome] = []
        for code, plan in sorted(plans.items()):
            actual = admissions.get((code, quarter))
            if actual is None:
                findings.append(error("performance.no-admissions", f"no admissions for {code} in {quarter}",
                                      field=f"{code} {quarter}"))
                continue
            outcomes.append(assess_quarter(plan, programme, performance_element(programme, plan), quarter, actual))
        if findings:
            raise ValidationFailed(f"{quarter}: {len(findings)} area(s) without admissions; nothing was posted",
                                   findings)
        batch = [t for o in outcomes if (t := quarter_transaction(plans[o.area], programme, o)) is not None]
        batch = repo.after_reversals(session, batch)
        result = repo.post_batch(session, batch, f"performance {quarter}", actor, at or now())
    return QuarterRun(quarter, programme.id, tuple(outcomes), result.posted, result.skipped)
