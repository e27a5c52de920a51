"""Demo step 1: a 2015-16 plan for every area, validated, signed off, submitted and assured.

A few plans carry realistic mistakes; their imports are refused with every finding shown,
then the corrected plans go in. Everything generated is illustrative.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from carepool.demo.calibrate import calibrate
from carepool.demo.conditions_step import meet_before_year
from carepool.errors import ValidationFailed
from carepool.findings import Finding
from carepool.money import Money, total
from carepool.plans.model import ConditionConfirmation, FundingLine, Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import derive_minimums, load_programme
from carepool.programme.published import published_uplift
from carepool.reference import load_reference
from carepool.services import plans as svc
from carepool.store.db import Store

Progress = Callable[[str], None]
SUBMITTED = datetime(2014, 9, 19, 12, 0)


@dataclass(frozen=True)
class Mistake:
    area_code: str
    what: str
    findings: list[Finding]


@dataclass(frozen=True)
class PlansSummary:
    year: str
    plans: int
    minimum_derived: Money
    minimum_published: Money | None   # None: the year publishes no national total
    pooled: Money
    planned_admissions_change: int
    planned_delayed_days_change: int
    performance_sum: Money
    average_ambition_pct: float
    outcomes: dict[str, int]
    mistakes: list[Mistake]
    models: dict[str, int]        # pools by joint commissioning model
    governance: dict[str, int]    # pools by form of governance
    conditions_open: list[str] = field(default_factory=list)   # areas whose condition is open at the year's start


def _mistakes(rng: random.Random) -> list[tuple[str, Callable[[Plan], Plan]]]:
    def scheme_sum(p: Plan) -> Plan:
        last = p.schemes[-1]
        return replace(p, schemes=(*p.schemes[:-1], replace(last, amount=last.amount + Money.pounds("12345.67"))))

    def ccg_short(p: Plan) -> Plan:
        i = next(i for i, f in enumerate(p.funding) if f.stream == "ccg-new-money")
        line = p.funding[i]
        short = FundingLine(line.contributor, line.stream, line.pool, line.amount - Money.pounds(50_000))
        return replace(p, funding=(*p.funding[:i], short, *p.funding[i + 1:]))

    def nao_unit_cost(p: Plan) -> Plan:
        wrong = Money.pounds(1610) * p.ambition.planned_reduction
        return replace(p, ambition=replace(p.ambition, performance_sum=wrong))

    def no_narrative(p: Plan) -> Plan:
        conds = tuple(ConditionConfirmation(c.id, c.confirmed, "") if c.id == "NC3" else c for c in p.conditions)
        return replace(p, conditions=conds)

    options: list[tuple[str, Callable[[Plan], Plan]]] = [
        ("schemes add up to £12,345.67 more than the pool", scheme_sum),
        ("a CCG paid £50,000 less than its minimum contribution", ccg_short),
        ("performance sum worked out at £1,610 an admission instead of £1,490", nao_unit_cost),
        ("seven-day services condition ticked with no narrative", no_narrative),
    ]
    rng.shuffle(options)
    return options


def run_plans_step(store: Store, *, seed: int, progress: Progress, year_id: str = "bcf-2015-16") -> PlansSummary:
    ref = load_reference()
    year = load_programme(year_id)
    minimums = derive_minimums(year, ref)
    minimum_total = total(m.total for m in minimums.values())
    progress("calibrating plans to the published national figures")
    # plans pay a published allocation where it is above the derived minimum: count that too
    calibrations = calibrate(year, ref, seed, minimum_total + published_uplift(year, minimums))
    rng = random.Random(f"demo-plans:{seed}")
    broken = dict(zip(rng.sample([c.area_code for c in calibrations], 4), _mistakes(rng), strict=True))
    outcome_pool = (["approved subject to conditions"] * 91 + ["approved with support"] * 8
                    + ["approved"] * (len(calibrations) - 99))
    rng.shuffle(outcome_pool)
    mistakes: list[Mistake] = []
    plans: list[Plan] = []
    for i, cal in enumerate(calibrations):
        plan = synthetic_plan(cal.area_code, year, ref, seed=seed, baselines=cal.baselines,
                           planned_reduction=cal.planned_reduction,
                           delayed_days_reduction=cal.delayed_days_reduction,
                           local_topup=cal.local_topup, second_pool=cal.second_pool)
        at = SUBMITTED - timedelta(days=30) + timedelta(minutes=i)
        if cal.area_code in broken:
            what, spoil = broken[cal.area_code]
            try:
                svc.import_plan(store, spoil(plan), actor="demo", at=at, source=f"plan for {cal.area_code}")
                raise AssertionError("a spoiled plan was accepted")
            except ValidationFailed as exc:
                mistakes.append(Mistake(cal.area_code, what, exc.findings))
        svc.import_plan(store, plan, actor="demo", at=at)
        for p in plan.partners:
            if p.kind in ("la", "ccg"):
                svc.sign_off(store, cal.area_code, year.id, p.code, actor=f"lead for {p.name}", at=at)
        svc.sign_off_hwb(store, cal.area_code, year.id, actor="HWB chair", at=at)
        svc.submit(store, cal.area_code, year.id, actor="HWB chair", at=SUBMITTED)
        outcome = outcome_pool[i]
        conditions = "Agree the acute-sector impact with providers by Q1 (illustrative)" \
            if outcome == "approved subject to conditions" else ""
        svc.assure(store, cal.area_code, year.id, outcome, actor="national assurance team",
                   conditions=conditions, at=SUBMITTED + timedelta(days=41))
        plans.append(plan)
        if (i + 1) % 25 == 0 or i + 1 == len(calibrations):
            progress(f"plans stored, signed off, submitted and assured: {i + 1}/{len(calibrations)}")
    still_open = meet_before_year(store, year.id, seed, progress)
    reductions = sum(p.ambition.planned_reduction for p in plans)
    baselines = sum(p.ambition.baseline_admissions for p in plans)
    return PlansSummary(
        year=year.name,
        plans=len(plans),
        minimum_derived=minimum_total,
        minimum_published=year.national_minimum,
        pooled=total(p.pooled_total for p in plans),
        planned_admissions_change=-reductions,
        planned_delayed_days_change=-sum(p.ambition.delayed_days_reduction for p in plans),
        performance_sum=total(p.ambition.performance_sum for p in plans),
        average_ambition_pct=100 * reductions / baselines,
        outcomes=dict(Counter(outcome_pool)),
        mistakes=mistakes,
        models=dict(Counter(pool.model for p in plans for pool in p.pools)),
        governance=dict(Counter(pool.governance for p in plans for pool in p.pools)),
        conditions_open=still_open,
    )
