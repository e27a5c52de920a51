"""Each area's pool, partner by partner, under a programme year or a scenario: DERIVED.

A programme year's pool is its derived minimums. A scenario's national totals are split by
population (CCG totals over CCG-in-area links, council totals over areas) with largest
remainder, so the per-area and per-partner figures add up exactly to the national ones.
None of these per-area figures is published, and every result carries that note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from carepool.money import Money, apportion, total
from carepool.programme import derive_minimums, load_programme
from carepool.programme.load import available_programmes
from carepool.reference.model import ReferenceData
from carepool.scenarios.model import NationalTotal, Scenario, available_scenarios, load_scenario

DERIVED = ("derived: national totals split by population shares (largest remainder); "
           "not published per-area figures")


@dataclass(frozen=True)
class AreaPool:
    area_code: str
    ccg: dict[str, Money]      # CCG code -> what it pools in this area
    la: Money                  # the council's part

    @property
    def ccg_total(self) -> Money:
        return total(self.ccg.values())

    @property
    def total(self) -> Money:
        return self.ccg_total + self.la


@dataclass(frozen=True)
class PoolPicture:
    """Every area's pool under one programme year or scenario."""

    id: str
    name: str
    areas: dict[str, AreaPool]
    performance_at_risk: Money | None = None   # the programme's performance element (derived), if any
    overspend_pct: Fraction | None = None
    lead: str | None = None
    sources: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    note: str = DERIVED
    unverified: tuple[str, ...] = field(default=())   # ids of national totals that are unverified estimates
    totals: tuple[NationalTotal, ...] = field(default=())   # the national totals the picture uses

    @property
    def national(self) -> Money:
        return total(a.total for a in self.areas.values())


def picture(name: str, ref: ReferenceData) -> PoolPicture:
    """A programme year ('bcf-2015-16') or a scenario ('whole-budget', or a YAML path)."""
    if name in available_programmes() and name not in available_scenarios():
        return programme_picture(name, ref)
    return scenario_picture(load_scenario(name), ref)


def programme_picture(year_id: str, ref: ReferenceData, streams: tuple[str, ...] = ()) -> PoolPicture:
    year = load_programme(year_id)
    mins = derive_minimums(year, ref)
    areas: dict[str, AreaPool] = {}
    for code, m in mins.items():
        ccg = {c: total(v for s, v in per.items() if not streams or s in streams) for c, per in m.by_ccg.items()}
        la = total(v for s, v in m.by_la.items() if not streams or s in streams)
        areas[code] = AreaPool(code, ccg, la)
    perf = total(m.performance_element for m in mins.values()) if not streams else None
    return PoolPicture(year.id, year.name, areas, performance_at_risk=perf,
                       sources=(f"{year.id}: {year.national_minimum_source}",))


def split_total(national: NationalTotal, share: Fraction, ref: ReferenceData) -> dict[str, AreaPool]:
    """``share`` of a national total, split by population to CCG-in-area links or to areas."""
    amount = Money(int(national.amount.pence * share))
    out: dict[str, AreaPool] = {code: AreaPool(code, {}, Money(0)) for code in ref.areas}
    if national.contributor == "ccg":
        links = [x for x in ref.links if x.area_code in out]
        weights = [x.population if national.basis == "population_all_ages" else _band_weight(x.area_code,
                   x.population, national.basis, ref) for x in links]
        for link, part in zip(links, apportion(amount, weights), strict=True):
            pool = out[link.area_code]
            pool.ccg[link.ccg_code] = pool.ccg.get(link.ccg_code, Money(0)) + part
        return out
    codes = list(out)
    band = national.basis.removeprefix("population_")
    for code, part in zip(codes, apportion(amount, [ref.areas[c].population(band) for c in codes]), strict=True):
        out[code] = AreaPool(code, {}, part)
    return out


def _band_weight(area_code: str, link_population: int, basis: str, ref: ReferenceData) -> Fraction:
    area_links = sum(x.population for x in ref.links_for_area(area_code))
    band = ref.areas[area_code].population(basis.removeprefix("population_"))
    return Fraction(band * link_population, area_links) if area_links else Fraction(0)


def _add(into: dict[str, AreaPool], more: Mapping[str, AreaPool]) -> None:
    for code, pool in more.items():
        have = into.get(code, AreaPool(code, {}, Money(0)))
        ccg = dict(have.ccg)
        for c, m in pool.ccg.items():
            ccg[c] = ccg.get(c, Money(0)) + m
        into[code] = AreaPool(code, ccg, have.la + pool.la)


def scenario_picture(scenario: Scenario, ref: ReferenceData) -> PoolPicture:
    areas: dict[str, AreaPool] = {}
    sources: list[str] = []
    for component in scenario.components:
        if component.source == "programme":
            base = programme_picture(scenario.programme, ref, component.streams)
            _add(areas, base.areas)
            sources.extend(base.sources)
        else:
            national = scenario.total(component.source)
            _add(areas, split_total(national, component.share, ref))
            sources.append(f"{national.name}: {national.amount.millions(0)} ({national.label}) - {national.source}")
    used = {c.source for c in scenario.components}
    unverified = tuple(t.id for t in scenario.totals if not t.verified)
    return PoolPicture(scenario.id, scenario.name, areas, overspend_pct=Fraction(scenario.overspend_pct) / 100,
                       lead=scenario.lead, sources=tuple(dict.fromkeys(sources)), caveats=scenario.caveats,
                       unverified=unverified, totals=tuple(t for t in scenario.totals if t.id in used))
