"""A complete, valid plan for any area and year, built from the derived minimums.

Used by the demo generator (with real baselines and calibrated ambitions), by tests, and as
the starting point of the planning template. Deterministic for a seed. Every figure it
makes up is illustrative and the plan says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from carepool.money import Money, apportion, apportion_int
from carepool.plans.model import (
    DEFAULT_GOVERNANCE,
    DEFAULT_MODEL,
    Ambition,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Plan,
    Pool,
    Scheme,
    SignOff,
    area_partners,
)
from carepool.programme.minimums import AreaMinimums, derive_minimums, performance_sum
from carepool.programme.model import ProgrammeYear
from carepool.programme.published import streams_bound
from carepool.reference.allocations import allocations_for
from carepool.reference.model import ReferenceData

PROVIDERS = (
    "Local authority in-house services", "Community health trust", "Acute hospital trust",
    "Voluntary sector partnership", "Home care agencies (framework)", "Mental health trust",
    "Housing association", "GP federation",
)
OTHER_SCHEME_TYPES = (
    "Integrated care teams", "Intermediate care", "Seven-day services",
    "Care coordination and case management", "Assistive technologies",
    "Prevention and early intervention", "Personalised care at home", "Information and advice",
)


@dataclass(frozen=True)
class Baselines:
    """Baseline-year figures a plan starts from (real ones in the demo)."""

    admissions_quarters: tuple[int, int, int, int]
    delayed_days: int
    care_home_rate: Decimal = Decimal("658.5")
    reablement_pct: Decimal = Decimal("82.0")
    experience_score: Decimal = Decimal("64.0")

    @property
    def admissions(self) -> int:
        return sum(self.admissions_quarters)


def default_baselines(area_code: str, ref: ReferenceData) -> Baselines:
    """Round-number baselines from population when no real series is at hand."""
    pop = ref.area(area_code).population_all_ages
    yearly = pop * 104 // 1000
    q = apportion_int(yearly, [25, 24, 25, 26])
    return Baselines((q[0], q[1], q[2], q[3]), delayed_days=ref.area(area_code).population_18_plus // 14)


def _meet_published(funding: list[FundingLine], year: ProgrammeYear, area_code: str) -> list[FundingLine]:
    """Raise a partner's lines to its published allocation where that is above the derived figure."""
    for a in allocations_for(year.id, area_code, {f.contributor for f in funding}):
        if a.plan_year not in year.plan_years:
            continue
        bound = set(streams_bound(a, year))
        idx = [i for i, f in enumerate(funding) if f.contributor == a.partner_code and f.stream in bound]
        paid = sum(funding[i].amount.pence for i in idx)
        if idx and paid < a.amount.pence:
            parts = apportion(a.amount, [max(funding[i].amount.pence, 1) for i in idx])
            for i, part in zip(idx, parts, strict=True):
                funding[i] = replace(funding[i], amount=part)
    return funding


def synthetic_plan(
    area_code: str,
    year: ProgrammeYear,
    ref: ReferenceData,
    *,
    seed: int = 0,
    baselines: Baselines | None = None,
    planned_reduction: int | None = None,
    delayed_days_reduction: int | None = None,
    local_topup: Money | None = None,
    second_pool: bool = False,
    signed: bool = False,
) -> Plan:
    rng = random.Random(f"{seed}:{area_code}:{year.id}")
    area = ref.area(area_code)
    mins = derive_minimums(year, ref)[area.code]
    base = baselines or default_baselines(area.code, ref)
    partners = list(area_partners(area.code, area.name, [(c, ref.ccg(c).name) for c in sorted(mins.by_ccg)]))
    lead_ccg = max(mins.by_ccg, key=lambda c: mins.ccg_total(c))
    models = year.commissioning_models or (DEFAULT_MODEL,)
    forms = year.governance_forms or (DEFAULT_GOVERNANCE,)
    p1_model = rng.choices(models, weights=[70, 10, 15, 5][: len(models)])[0]
    pools = [Pool("P1", f"{area.name} Better Care Fund pool", area.code, "Director of Adult Social Services",
                  p1_model, rng.choice(forms))]
    if second_pool:
        pools.append(Pool("P2", f"{area.name} NHS community services pool", lead_ccg, "CCG Chief Finance Officer",
                          models[1 % len(models)], forms[-1]))

    funding: list[FundingLine] = []
    for ccg in sorted(mins.by_ccg):
        for stream_id, amount in sorted(mins.by_ccg[ccg].items()):
            funding.append(FundingLine(ccg, stream_id, "P1", amount))
    for stream_id, amount in sorted(mins.by_la.items()):
        funding.append(FundingLine(area.code, stream_id, "P1", amount))
    funding = _meet_published(funding, year, area.code)
    topup = local_topup if local_topup is not None else Money(0)
    if topup.pence > 0:
        la_part, ccg_part = apportion(topup, [rng.randint(3, 7), rng.randint(3, 7)])
        funding.append(FundingLine(area.code, "la-additional", "P1", la_part))
        funding.append(FundingLine(lead_ccg, "ccg-additional", "P2" if second_pool else "P1", ccg_part))

    reduction = planned_reduction
    if reduction is None:
        reduction = int(base.admissions * year.performance.default_ambition_pct / 100)
    perf_sum = performance_sum(year, mins, reduction)
    schemes = _schemes(year, mins, funding, perf_sum, rng)
    quarters = tuple(apportion_int(reduction, [max(q, 1) for q in base.admissions_quarters]))
    dd_reduction = delayed_days_reduction if delayed_days_reduction is not None else base.delayed_days // 20
    plan = Plan(
        area_code=area.code,
        year=year.id,
        partners=tuple(partners),
        pools=tuple(pools),
        funding=tuple(funding),
        schemes=tuple(schemes),
        metrics=_metrics(year, area.population_all_ages, area.population_18_plus, base, quarters,
                         dd_reduction),
        ambition=Ambition(
            baseline_admissions=base.admissions,
            baseline_quarters=base.admissions_quarters,
            planned_reduction=reduction,
            planned_quarters=quarters,
            performance_sum=perf_sum,
            delayed_days_baseline=base.delayed_days,
            delayed_days_reduction=dd_reduction,
        ),
        conditions=tuple(
            ConditionConfirmation(c.id, True, f"{area.name}: how we meet '{c.title}' (illustrative).")
            for c in year.conditions
        ),
        narrative=f"Illustrative joint plan for {area.name}, generated by carepool.",
        illustrative=True,
    )
    if signed:
        on = date(year.start.year - 1, 9, 19)
        signoffs = tuple(
            SignOff(p.code, f"Signatory for {p.name}",
                    "Chair" if p.kind == "hwb" else "Accountable officer", on)
            for p in partners
        )
        plan = Plan(**{**plan.__dict__, "signoffs": signoffs})
    return plan


def _schemes(
    year: ProgrammeYear, mins: AreaMinimums, funding: list[FundingLine], perf_sum: Money,
    rng: random.Random,
) -> list[Scheme]:
    """Schemes that spend each pool's money stream by stream, meeting every ring fence."""
    by_pool_stream: dict[tuple[str, str], Money] = {}
    for line in funding:
        key = (line.pool, line.stream)
        by_pool_stream[key] = by_pool_stream.get(key, Money(0)) + line.amount
    schemes: list[Scheme] = []

    def add(name: str, stype: str, spend: str, commissioner: str, source: str, pool: str,
            amount: Money, new: bool = False) -> None:
        if amount.pence <= 0:
            return
        schemes.append(Scheme(f"S{len(schemes) + 1:02d}", name, stype, spend, commissioner,
                              rng.choice(PROVIDERS), source, pool, amount, new))

    # money that must go to named purposes comes first, from the CCG revenue streams
    flexible = "ccg-new-money" if ("P1", "ccg-new-money") in by_pool_stream else "ccg-minimum"
    remaining = dict(by_pool_stream)
    fences = {f.id: (f, mins.ring_fences.get(f.id, Money(0))) for f in year.ring_fences}
    if "protect-social-care" in fences:
        need = fences["protect-social-care"][1]
        s256 = remaining.get(("P1", "ccg-s256"), Money(0))
        add("Protecting adult social care services", "Personalised care at home", "Social Care",
            "Local Authority", "ccg-s256", "P1", s256)
        remaining[("P1", "ccg-s256")] = Money(0)
        extra = need - s256 if need > s256 else Money(0)
        add("Care Act implementation", "Information and advice", "Social Care", "Local Authority",
            flexible, "P1", extra)
        remaining[("P1", flexible)] = remaining[("P1", flexible)] - extra
    if "carers-breaks" in fences:
        need = fences["carers-breaks"][1]
        carers = remaining.get(("P1", "ccg-carers"), Money(0))
        add("Carers' breaks", "Carers' support", "Social Care", "Joint", "ccg-carers", "P1", carers)
        remaining[("P1", "ccg-carers")] = Money(0)
        extra = need - carers if need > carers else Money(0)
        add("Carers' support services", "Carers' support", "Social Care", "Joint", flexible, "P1", extra)
        remaining[("P1", flexible)] = remaining[("P1", flexible)] - extra
    out_of_hospital = mins.performance_element - perf_sum if year.performance.out_of_hospital_minimum else Money(0)
    if "out-of-hospital" in fences:
        out_of_hospital = fences["out-of-hospital"][1]
    take = min(out_of_hospital, remaining[("P1", flexible)])
    add("Out-of-hospital community services", "Integrated care teams", "Community Health", "CCG",
        flexible, "P1", take, new=True)
    remaining[("P1", flexible)] = remaining[("P1", flexible)] - take
    named = {
        "ccg-reablement": ("Reablement", "Reablement", "Social Care", "Local Authority"),
        "la-dfg": ("Disabled Facilities Grant adaptations", "Disabled Facilities Grant", "Social Care",
                   "Local Authority"),
        "la-social-care-capital": ("Social care capital programme", "Enablers (data sharing and IT)",
                                   "Social Care", "Local Authority"),
    }
    for (pool, stream), amount in sorted(remaining.items()):
        if amount.pence <= 0:
            continue
        if stream in named:
            name, stype, spend, commissioner = named[stream]
            add(name, stype, spend, commissioner, stream, pool, amount)
            continue
        count = rng.randint(2, 5)
        parts = apportion(amount, [rng.randint(5, 20) for _ in range(count)])
        for part in parts:
            stype = rng.choice(OTHER_SCHEME_TYPES)
            spend = rng.choice(("Community Health", "Acute", "Primary Care", "Social Care", "Mental Health"))
            commissioner = "Local Authority" if stream.startswith("la-") else rng.choice(("CCG", "Joint"))
            add(f"{stype} ({'new' if rng.random() < 0.4 else 'existing'} service {len(schemes) + 1})",
                stype, spend, commissioner, stream, pool, part, new=rng.random() < 0.4)
    return schemes


def _metrics(
    year: ProgrammeYear, pop_all: int, pop_18: int, base: Baselines,
    reduction_quarters: tuple[int, ...], dd_reduction: int,
) -> tuple[MetricPlan, ...]:
    def rate(count: int, pop: int) -> Decimal:
        return (Decimal(count) * 100_000 / Decimal(pop)).quantize(Decimal("0.1"))

    out: list[MetricPlan] = []
    for spec in year.metrics:
        periods = 4 if spec.frequency == "quarterly" else 1
        if spec.code == "BCF1":
            baseline = rate(base.admissions, pop_all)
            planned = tuple(rate(q - r, pop_all) for q, r in
                            zip(base.admissions_quarters, reduction_quarters, strict=True))
        elif spec.code == "BCF4":
            baseline = rate(base.delayed_days, pop_18)
            parts = apportion_int(base.delayed_days - dd_reduction, [1] * periods)
            planned = tuple(rate(p, pop_18) for p in parts)
        elif spec.code == "BCF2":
            baseline, planned = base.care_home_rate, (base.care_home_rate - Decimal("20.0"),)
        elif spec.code == "BCF3":
            baseline, planned = base.reablement_pct, (base.reablement_pct + Decimal("1.0"),)
        else:
            baseline, planned = base.experience_score, (base.experience_score + Decimal("1.0"),)
        planned = planned if len(planned) == periods else tuple([planned[0]] * periods)
        out.append(MetricPlan(spec.code, baseline, planned, "2014-15",
                              "Dementia diagnosis rate" if spec.code == "BCF6" else ""))
    return tuple(out)
