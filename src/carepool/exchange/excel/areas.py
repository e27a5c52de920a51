"""The area a workbook is for, in the geography of its programme year (2015 CCGs or 2023 ICBs)."""

from __future__ import annotations

from dataclasses import dataclass

from carepool.errors import InputError, NotFound
from carepool.programme.minimums import derive_minimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.load_geography import geography_2023
from carepool.reference.model import ReferenceData


@dataclass(frozen=True)
class AreaView:
    code: str
    name: str
    nhs_kind: str                  # "ccg" or "icb": the NHS partners of the year
    nhs_names: dict[str, str]      # partner code -> name, for every NHS partner serving the area


def area_of(area_code: str, year: ProgrammeYear, ref: ReferenceData) -> AreaView:
    """The area and its NHS partners; an unknown or old code is refused naming its successor."""
    if year.vintage == "2023":
        g = geography_2023()
        try:
            area = g.area(area_code)
        except NotFound as exc:
            raise InputError(f"{year.name}: {exc}") from None
        names = {g.icbs[s.icb_code].ods_code: g.icbs[s.icb_code].name for s in g.icbs_for_area(area.code)}
        return AreaView(area.code, area.name, "icb", names)
    found = ref.area(area_code)
    mins = derive_minimums(year, ref).get(found.code)
    ccgs = sorted(mins.by_ccg) if mins is not None else []
    return AreaView(found.code, found.name, "ccg", {c: ref.ccg(c).name for c in ccgs})
