"""`carepool demo --year bcf-2025-26`: the current year for every area of today's geography.

153 illustrative plans, one per Health and Wellbeing Board area, each with the council, every
ICB that serves the area and the board as partners. Each area's figures are the derived split
of the published national streams (largest remainder), so the national totals equal the
published amounts to the penny; each plan is signed by the year's signatories, submitted and
assured. Figures are illustrative: no area's real plan is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from carepool.errors import ConfigurationError
from carepool.money import Money
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.reference.load_geography import geography_2023
from carepool.services import plans as svc
from carepool.store.db import Store

Progress = Callable[[str], None]


@dataclass
class CurrentYearSummary:
    year: str
    year_name: str
    plans: int = 0
    assured: int = 0
    icb_partners: int = 0
    areas_with_several_icbs: int = 0
    pooled: dict[str, Money] = field(default_factory=dict)       # stream id -> sum over the stored plans
    published: dict[str, Money | None] = field(default_factory=dict)

    @property
    def matches_published(self) -> bool:
        return all(self.pooled.get(s) == amount for s, amount in self.published.items() if amount is not None)


def run_current_year(store: Store, *, year_id: str, seed: int, progress: Progress) -> CurrentYearSummary:
    year = load_programme(year_id)
    if year.vintage != "2023":
        raise ConfigurationError(f"the current-year demo runs on the 2023 geography; {year.name} uses "
                                 f"{year.vintage} (the 2015-16 demo is the default: carepool demo)")
    summary = CurrentYearSummary(year.id, year.name)
    summary.published = {s.id: s.national_amount for s in year.streams if s.must_pool}
    start = datetime(year.start.year, 3, 1, 9, tzinfo=UTC)
    areas = list(geography_2023().areas)
    for i, code in enumerate(areas):
        at = start + timedelta(minutes=i)
        plan = synthetic_plan_2023(code, year, seed=seed, signed=True)
        svc.import_plan(store, plan, actor="demo", at=at, source=f"plan for {code}")
        icbs = [p for p in plan.partners if p.kind == "icb"]
        for p in plan.partners:
            if p.kind in ("la", "icb"):
                svc.sign_off(store, code, year.id, p.code, actor=f"Chief Executive, {p.name}", at=at)
        svc.sign_off_hwb(store, code, year.id, actor="HWB chair", at=at)
        svc.submit(store, code, year.id, actor="HWB chair", at=at + timedelta(days=30))
        svc.assure(store, code, year.id, "approved", actor="national assurance team", at=at + timedelta(days=60))
        summary.plans += 1
        summary.icb_partners += len(icbs)
        summary.areas_with_several_icbs += len(icbs) > 1
        if (i + 1) % 25 == 0 or i + 1 == len(areas):
            progress(f"{year.id} plans stored, signed, submitted and assured: {i + 1}/{len(areas)}")
    stored = svc.list_plans(store, year.id)     # the national totals are read back from the store
    summary.assured = sum(1 for r in stored if r.status.value == "assured")
    for record in stored:
        for f in record.plan.funding:
            summary.pooled[f.stream] = summary.pooled.get(f.stream, Money(0)) + f.amount
    return summary
