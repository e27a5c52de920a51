"""Illustrative plans for years on the 2023 geography (2023-25, 2025-26, 2026-27).

The council, every ICB that serves the area (North Yorkshire: three) and the HWB are partners;
each plan year's funding is the derived minimum of each stream (published allocations where
higher), one scheme per stream and pool, a goal per metric per plan year, capacity and demand
where the year asks, and, when signed, the year's named signatories. Every figure is
illustrative (the plan says so); none is a published plan.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

from carepool.money import Money, apportion
from carepool.plans.model import (
    NO_AMBITION,
    CapacityLine,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Plan,
    Pool,
    Scheme,
    SignOff,
    area_partners,
)
from carepool.programme.minimums_2023 import derive_minimums_on
from carepool.programme.model import ProgrammeYear
from carepool.programme.published import streams_bound
from carepool.reference.allocations import allocations_for
from carepool.reference.load_geography import geography_2023

SERVICES = ("Reablement at home", "Short-term residential care")
SIGNATURES = {"la": ("Chief Executive", "Section 151 officer"), "icb": ("Chief Executive",), "hwb": ("Chair",)}


def _funding(year: ProgrammeYear, area_code: str, partners: list[Partner]) -> list[FundingLine]:
    g = geography_2023()
    two_years = len(year.plan_years) > 1
    lines: list[FundingLine] = []
    for label in year.plan_years:
        mins = derive_minimums_on(year, g, label)[area_code]
        tag = label if two_years else ""
        for icb, per_stream in sorted(mins.by_ccg.items()):
            lines += [FundingLine(icb, sid, "P1", amount, tag) for sid, amount in sorted(per_stream.items())]
        lines += [FundingLine(area_code, sid, "P1", amount, tag) for sid, amount in sorted(mins.by_la.items())]
        for a in allocations_for(year.id, area_code, {p.code for p in partners}):
            if a.plan_year != label:
                continue
            bound = streams_bound(a, year)
            idx = [i for i, f in enumerate(lines) if f.contributor == a.partner_code and f.stream in bound
                   and f.plan_year == tag]
            paid = sum(lines[i].amount.pence for i in idx)
            if not idx and bound:
                lines.append(FundingLine(a.partner_code, bound[0], "P1", a.amount, tag))
            elif paid < a.amount.pence:
                for i, part in zip(idx, apportion(a.amount, [max(lines[i].amount.pence, 1) for i in idx]),
                                   strict=True):
                    lines[i] = replace(lines[i], amount=part)
    return lines


def _schemes(year: ProgrammeYear, funding: list[FundingLine], rng: random.Random) -> list[Scheme]:
    by_stream: dict[str, int] = {}
    for f in funding:
        by_stream[f.stream] = by_stream.get(f.stream, 0) + f.amount.pence
    two_years = len(year.plan_years) > 1
    out = []
    for i, (sid, pence) in enumerate(sorted(by_stream.items()), 1):
        stream = year.stream(sid)
        amounts = tuple((label, Money(sum(f.amount.pence for f in funding if f.stream == sid and f.plan_year == label)))
                        for label in year.plan_years) if two_years else ()
        out.append(Scheme(
            ref=f"S{i}", name=f"{stream.name} (illustrative)",
            scheme_type=year.scheme_types[0] if year.scheme_types else
            ("Home adaptations" if stream.capital else "Intermediate care"),
            area_of_spend=year.areas_of_spend[0] if year.areas_of_spend else "Social care",
            commissioner=year.commissioners[0] if year.commissioners else "Joint",
            provider="Local providers (illustrative)", source=sid, pool="P1", amount=Money(pence),
            new=rng.random() < 0.3, amounts=amounts))
    return out


def _value(unit: str, rng: random.Random) -> Decimal:
    """An illustrative metric value in the unit's range (a percentage stays within 0-100)."""
    if unit == "percent":
        return Decimal(rng.randint(500, 990)) / 10
    if unit == "days":
        return Decimal(rng.randint(10, 90)) / 10
    return Decimal(rng.randint(150, 900))


def synthetic_plan_2023(area_code: str, year: ProgrammeYear, *, seed: int = 0, signed: bool = False) -> Plan:
    g = geography_2023()
    area = g.area(area_code)
    rng = random.Random(f"{seed}:{area.code}:{year.id}")
    icbs = [g.icbs[s.icb_code] for s in g.icbs_for_area(area.code)]
    partners = list(area_partners(area.code, area.name, [(i.ods_code, i.name) for i in icbs], "icb"))
    funding = _funding(year, area.code, partners)
    periods = max(len(year.plan_years), 1)
    metrics = tuple(
        MetricPlan(code=m.code, baseline=_value(m.unit, rng),
                   planned=tuple(_value(m.unit, rng) for _ in range(4 if m.frequency == "quarterly" else periods)),
                   baseline_period=f"{year.start.year - 1}-{year.start.year % 100:02d}")
        for m in year.metrics)
    capacity = tuple(
        CapacityLine(service, label, demand := rng.randint(200, 2000), demand + rng.randint(0, 100))
        for label in year.plan_years for service in SERVICES) if year.capacity_and_demand else ()
    plan = Plan(
        area_code=area.code, year=year.id, partners=tuple(partners),
        pools=(Pool("P1", f"{area.name} Better Care Fund pool", area.code, "Director of Adult Social Services"),),
        funding=tuple(funding), schemes=tuple(_schemes(year, funding, rng)), metrics=metrics,
        ambition=NO_AMBITION,
        conditions=tuple(ConditionConfirmation(c.id, True, f"{area.name}: how we meet '{c.title}' (illustrative).")
                         for c in year.conditions),
        narrative=f"Illustrative joint plan for {area.name}, generated by carepool.",
        illustrative=True, capacity=capacity,
    )
    if signed:
        on = date(year.start.year, 3, 28)
        signoffs = tuple(SignOff(p.code, f"Signatory for {p.name}", role, on)
                         for p in partners for role in SIGNATURES[p.kind])
        plan = replace(plan, signoffs=signoffs)
    return plan
