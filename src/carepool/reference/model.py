"""Reference records: immutable, plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from carepool.errors import NotFound


@dataclass(frozen=True, slots=True)
class Area:
    """A Health and Wellbeing Board plan area: one or more upper-tier local authorities."""

    code: str                      # the lead upper-tier authority's ONS code
    name: str
    utla_codes: tuple[str, ...]    # every upper-tier authority planned in this area
    utla_type: str
    region_code: str
    region_name: str
    population_all_ages: int       # ONS MYE2 mid-2015
    population_18_plus: int
    population_65_plus: int
    population_all_ages_2016: int
    population_18_plus_2016: int
    population_65_plus_2016: int
    district_codes: tuple[str, ...] = ()   # lower-tier districts (ONS LAD codes) of a two-tier county

    @property
    def two_tier(self) -> bool:
        """A county with district councils under it (they are the housing authorities)."""
        return self.utla_type == "County"

    def population(self, band: str, year: int = 2015) -> int:
        """Population by band ('all_ages', '18_plus', '65_plus') at mid-``year`` (2015, 2016)."""
        suffix = "" if year == 2015 else f"_{year}"
        value = getattr(self, f"population_{band}{suffix}", None)
        if not isinstance(value, int):
            raise NotFound(f"no population for band '{band}' in mid-{year}")
        return value


@dataclass(frozen=True, slots=True)
class Ccg:
    """A Clinical Commissioning Group (ODS code), with the years it existed."""

    code: str
    ons_code: str
    name: str
    opened: str        # ISO date
    closed: str | None
    successor: str     # ODS code from April 2015 (itself if unchanged)
    census_2011_residents: int


@dataclass(frozen=True, slots=True)
class CcgAreaLink:
    """The part of a CCG's population (July 2015 boundaries) living in an HWB area."""

    ccg_code: str      # 2015 (209-CCG) ODS code
    area_code: str
    population: int    # mid-2015 LSOA population of the overlap (IoD2019 denominators)
    population_60_plus: int


@dataclass(frozen=True)
class ReferenceData:
    areas: dict[str, Area]
    ccgs_2013: dict[str, Ccg]          # the 211 CCGs of April 2013 - March 2015
    ccgs_2015: dict[str, Ccg]          # the 209 CCGs from April 2015
    links: tuple[CcgAreaLink, ...]
    utla_to_area: dict[str, str]
    _by_area: dict[str, tuple[CcgAreaLink, ...]] = field(default_factory=dict, repr=False)
    _by_ccg: dict[str, tuple[CcgAreaLink, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_area: dict[str, list[CcgAreaLink]] = {}
        by_ccg: dict[str, list[CcgAreaLink]] = {}
        for link in self.links:
            by_area.setdefault(link.area_code, []).append(link)
            by_ccg.setdefault(link.ccg_code, []).append(link)
        self._by_area.update({k: tuple(v) for k, v in by_area.items()})
        self._by_ccg.update({k: tuple(v) for k, v in by_ccg.items()})

    def area(self, code: str) -> Area:
        try:
            return self.areas[code]
        except KeyError:
            area_code = self.utla_to_area.get(code)
            if area_code:
                return self.areas[area_code]
            raise NotFound(f"unknown HWB area code '{code}'") from None

    def ccgs_for_year(self, year_start: str) -> dict[str, Ccg]:
        """The CCG set in force on ``year_start`` (ISO date)."""
        return self.ccgs_2015 if year_start >= "2015-04-01" else self.ccgs_2013

    def ccg(self, code: str) -> Ccg:
        found = self.ccgs_2015.get(code) or self.ccgs_2013.get(code)
        if found is None:
            raise NotFound(f"unknown CCG code '{code}'")
        return found

    def links_for_area(self, area_code: str) -> tuple[CcgAreaLink, ...]:
        return self._by_area.get(area_code, ())

    def links_for_ccg(self, ccg_code: str) -> tuple[CcgAreaLink, ...]:
        return self._by_ccg.get(self.ccg(ccg_code).successor, ())

    def ccg_share_in_area(self, ccg_code: str, area_code: str) -> Fraction:
        """Exact share of a (2015) CCG's population living in the area."""
        links = self.links_for_ccg(ccg_code)
        whole = sum(link.population for link in links)
        part = sum(link.population for link in links if link.area_code == area_code)
        return Fraction(part, whole) if whole else Fraction(0)
