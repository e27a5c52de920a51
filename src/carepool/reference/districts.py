"""Two-tier areas and their district councils, by geography vintage.

In a two-tier area the county is the plan area and the district councils are the housing
authorities (the Disabled Facilities Grant passes to them). 2015: the counties of the 2015
reference data and their districts (``hwb_2015.csv``). 2023: the counties of ``hwb_2023.csv``
and their districts from ``districts_2023.csv`` (the ONS April 2023 district-to-county lookup,
see SOURCES.md). A county whose district list is not known gets an empty tuple, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from carepool.reference.geography import SHIPPED_VINTAGES
from carepool.reference.load import load_reference, read_rows
from carepool.reference.load_geography import geography


@dataclass(frozen=True, slots=True)
class Tiers:
    area: str
    name: str
    two_tier: bool
    districts: tuple[str, ...]     # ONS district codes; () when not known


@lru_cache(maxsize=1)
def _districts_2023() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for row in read_rows("districts_2023.csv"):
        out.setdefault(row["utla23_code"], []).append(row["lad23_code"])
    return {county: tuple(sorted(codes)) for county, codes in out.items()}


def tiers(vintage: str, area_code: str) -> Tiers:
    """Whether ``area_code`` is a two-tier county in the vintage's geography, and its districts
    (NotFound for a code the vintage does not know)."""
    if vintage == "2015":
        area = load_reference().area(area_code)
        return Tiers(area.code, area.name, area.two_tier, area.district_codes)
    place = geography(vintage if vintage in SHIPPED_VINTAGES else "2023").area(area_code)
    county = place.la_type == "County"
    return Tiers(place.code, place.name, county, _districts_2023().get(place.code, ()) if county else ())
