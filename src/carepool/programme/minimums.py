"""Each area's minimum contributions, DERIVED from a year's national totals.

Per-area minimums are not in carepool's published reference data, so each national stream
amount is split by the population basis its programme file names, with largest-remainder
apportionment: the per-area (and per-CCG-in-area) figures add up exactly, to the penny, to
the national totals. Every figure returned here is derived, and callers must say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from carepool.money import Money, apportion, total
from carepool.programme.model import ProgrammeYear
from carepool.reference.model import Area, CcgAreaLink, ReferenceData

DERIVED_NOTE = (
    "derived: national totals split by population shares (largest remainder); "
    "not published per-area figures"
)


@dataclass(frozen=True)
class AreaMinimums:
    area_code: str
    year_id: str
    by_ccg: dict[str, dict[str, Money]]   # ccg code -> stream id -> minimum
    by_la: dict[str, Money]               # stream id -> minimum (the area's local authority)
    ring_fences: dict[str, Money]         # ring fence id -> minimum spend
    performance_element: Money            # the area's share of the national performance element
    note: str = DERIVED_NOTE

    def ccg_total(self, ccg_code: str) -> Money:
        return total(self.by_ccg.get(ccg_code, {}).values())

    @property
    def total(self) -> Money:
        ccg = total(total(s.values()) for s in self.by_ccg.values())
        return ccg + total(self.by_la.values())


def _area_weight(area: Area, basis: str, ref: ReferenceData) -> Fraction:
    if basis == "population_60_plus":
        return Fraction(sum(link.population_60_plus for link in ref.links_for_area(area.code)))
    return Fraction(area.population(basis.removeprefix("population_")))


def _link_weight(link: CcgAreaLink, basis: str, ref: ReferenceData) -> Fraction:
    if basis == "population_all_ages":
        return Fraction(link.population)
    if basis == "population_60_plus":
        return Fraction(link.population_60_plus)
    # a band not published at CCG-in-area level: the area's band, split by all-age shares
    area = ref.area(link.area_code)
    area_links = sum(x.population for x in ref.links_for_area(area.code))
    return _area_weight(area, basis, ref) * Fraction(link.population, area_links)


_CACHE: dict[tuple[str, str, int], dict[str, AreaMinimums]] = {}


def derive_minimums(year: ProgrammeYear, ref: ReferenceData) -> dict[str, AreaMinimums]:
    """Minimums for every area of the year's geography (cached per year and reference).

    Years on the 2015 geography use ``ref`` (CCGs in ``by_ccg``); years on the 2023 geography
    split between the 153 areas and their ICBs (``by_ccg`` is then keyed by ICB ODS code); a
    vintage whose boundaries are not shipped (2019, 2021) has no derived figures.
    """
    key = (year.id, year.source_file, id(ref))
    if key not in _CACHE:
        if year.vintage == "2015":
            _CACHE[key] = _derive(year, ref)
        elif year.vintage == "2023":
            from carepool.programme.minimums_2023 import derive_minimums_on
            from carepool.reference.load_geography import geography_2023
            _CACHE[key] = derive_minimums_on(year, geography_2023())
        else:
            _CACHE[key] = {}
    return _CACHE[key]


def _derive(year: ProgrammeYear, ref: ReferenceData) -> dict[str, AreaMinimums]:
    area_codes = list(ref.areas)
    by_ccg: dict[str, dict[str, dict[str, Money]]] = {a: {} for a in area_codes}
    by_la: dict[str, dict[str, Money]] = {a: {} for a in area_codes}
    for stream in year.streams:
        if stream.national_amount is None or stream.basis is None:
            continue
        if stream.contributor == "ccg":
            links = ref.links
            parts = apportion(stream.national_amount, [_link_weight(x, stream.basis, ref) for x in links])
            for link, part in zip(links, parts, strict=True):
                per_stream = by_ccg[link.area_code].setdefault(link.ccg_code, {})
                per_stream[stream.id] = per_stream.get(stream.id, Money(0)) + part
        else:
            weights = [_area_weight(ref.areas[a], stream.basis, ref) for a in area_codes]
            for code, part in zip(area_codes, apportion(stream.national_amount, weights), strict=True):
                by_la[code][stream.id] = part
    fences: dict[str, dict[str, Money]] = {a: {} for a in area_codes}
    for fence in year.ring_fences:
        weights = [_area_weight(ref.areas[a], fence.basis, ref) for a in area_codes]
        for code, part in zip(area_codes, apportion(fence.national_amount, weights), strict=True):
            fences[code][fence.id] = part
    perf = year.performance
    if perf.scheme == "none":
        perf_parts = [Money(0)] * len(area_codes)
    else:
        stream_totals = [
            sum((s.get(perf.stream, Money(0)).pence for s in by_ccg[a].values()), 0)
            + by_la[a].get(perf.stream, Money(0)).pence
            for a in area_codes
        ]
        perf_parts = apportion(perf.national_element, stream_totals)
    return {
        code: AreaMinimums(
            area_code=code, year_id=year.id, by_ccg=by_ccg[code], by_la=by_la[code],
            ring_fences=fences[code], performance_element=perf_parts[i],
        )
        for i, code in enumerate(area_codes)
    }


def performance_sum(year: ProgrammeYear, mins: AreaMinimums, planned_reduction: int) -> Money:
    """Planned admissions avoided x unit cost, capped at the area's share of the element."""
    perf = year.performance
    if perf.scheme != "payment_for_performance":
        return Money(0)
    amount = perf.cost_per_admission * max(planned_reduction, 0)
    if perf.cap_at_area_share and amount > mins.performance_element:
        return mins.performance_element
    return amount
