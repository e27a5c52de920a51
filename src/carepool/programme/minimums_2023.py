"""Each area's minimums on the 2023 geography (153 areas, 42 ICBs), DERIVED, for one plan year.

Council streams are split between areas by the population basis the year file names (ONS
mid-2022); ICB streams are split the same way between areas and then between the ICBs serving
each area by their Census 2021 resident shares (carepool's derived weights, not NHS England's
allocation shares). Largest remainder throughout, so areas and ICBs add up to the national
amount to the penny. A stream whose amount is unpublished for the year gets no figure at all.
"""

from __future__ import annotations

from fractions import Fraction

from carepool.money import Money, apportion
from carepool.programme.minimums import AreaMinimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.geography import Geography, PlanArea

NHS_KINDS = ("ccg", "icb")


def _weight(area: PlanArea, basis: str) -> Fraction:
    if basis in ("population_65_plus", "population_60_plus"):
        return Fraction(area.population_65_plus)
    return Fraction(area.population_all_ages)   # 18+ is not in the 2023 file: all ages


_CACHE: dict[tuple[str, str, str, int], dict[str, AreaMinimums]] = {}


def derive_minimums_on(year: ProgrammeYear, geography: Geography, plan_year: str | None = None
                       ) -> dict[str, AreaMinimums]:
    """Minimums of every area of ``geography`` for ``plan_year`` (default: the year's first); cached."""
    label = plan_year or year.plan_years[0]
    key = (year.id, year.source_file, label, id(geography))
    if key not in _CACHE:
        _CACHE[key] = _derive(year, geography, label)
    return _CACHE[key]


def _derive(year: ProgrammeYear, geography: Geography, label: str) -> dict[str, AreaMinimums]:
    codes = list(geography.areas)
    by_icb: dict[str, dict[str, dict[str, Money]]] = {a: {} for a in codes}
    by_la: dict[str, dict[str, Money]] = {a: {} for a in codes}
    for stream in year.streams:
        amount = stream.amount_for(label) if stream.amounts else stream.national_amount
        if amount is None or stream.basis is None:
            continue
        parts = apportion(amount, [_weight(geography.areas[a], stream.basis) for a in codes])
        for code, part in zip(codes, parts, strict=True):
            if stream.contributor in NHS_KINDS:
                shares = geography.icbs_for_area(code)
                for share, piece in zip(shares, apportion(part, [s.area_share for s in shares]), strict=True):
                    ods = geography.icbs[share.icb_code].ods_code
                    by_icb[code].setdefault(ods, {})[stream.id] = piece
            else:
                by_la[code][stream.id] = part
    return {
        code: AreaMinimums(area_code=code, year_id=year.id, by_ccg=by_icb[code], by_la=by_la[code],
                           ring_fences={}, performance_element=Money(0))
        for code in codes
    }
