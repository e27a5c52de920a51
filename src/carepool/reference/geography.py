"""Geography by vintage: the plan areas and NHS partners in force for a programme year.

A programme year names its vintage ("2015": 151 plan areas and the CCGs; "2023": 153 areas
and 42 ICBs). A code that no longer exists in the year's geography is answered with its
successor (Somerset County E10000027 -> Somerset E06000066 from April 2023), so a user with an
old code is told what to use instead, never just "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from carepool.errors import NotFound

SHIPPED_VINTAGES = ("2015", "2023")


@dataclass(frozen=True, slots=True)
class Predecessor:
    """A council that ended after April 2015, and the area that replaced it."""

    code: str
    name: str
    kind: str            # "CTY" county, "UA" unitary, "NMD" district
    ended: str           # ISO date, as the source prints it
    successor: str       # the 2023 area code


@dataclass(frozen=True, slots=True)
class PlanArea:
    """A Health and Wellbeing Board area of a vintage (an upper-tier council)."""

    code: str
    name: str
    la_type: str
    region_code: str
    region_name: str
    population_all_ages: int   # ONS mid-2022 for the 2023 vintage
    population_65_plus: int
    created: str | None = None  # ISO date the council was created, if after April 2015
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Icb:
    """An integrated care board: ONS code (E54...) and ODS code (Q..)."""

    code: str
    ods_code: str
    name: str
    region_code: str
    region_name: str
    code_july_2022: str


@dataclass(frozen=True, slots=True)
class AreaIcbShare:
    """The part of an area's Census 2021 residents served by an ICB (our derived weight)."""

    area_code: str
    icb_code: str
    residents: int
    area_share: Fraction       # of the area's residents
    icb_share: Fraction        # of the ICB's residents


@dataclass(frozen=True)
class Geography:
    vintage: str
    areas: dict[str, PlanArea]
    icbs: dict[str, Icb] = field(default_factory=dict)
    shares: tuple[AreaIcbShare, ...] = ()
    predecessors: dict[str, tuple[Predecessor, ...]] = field(default_factory=dict)  # old code -> successors
    later_codes: dict[str, str] = field(default_factory=dict)  # a newer code -> the code it replaced here
    grouped: dict[str, str] = field(default_factory=dict)  # a council that plans with another area's HWB

    def area(self, code: str) -> PlanArea:
        """The area, or NotFound naming the successor (or predecessor) of a code of another vintage."""
        found = self.areas.get(code) or self.areas.get(self.grouped.get(code, ""))
        if found is not None:
            return found
        raise NotFound(self.explain(code))

    def knows(self, code: str) -> bool:
        return code in self.areas or code in self.grouped

    def explain(self, code: str) -> str:
        if code in self.predecessors:
            succ = self.predecessors[code]
            first = succ[0]
            names = " and ".join(f"{p.successor} {self.areas[p.successor].name}" for p in succ
                                 if p.successor in self.areas)
            return (f"'{code}' ({first.name}) ended on {first.ended}; in the {self.vintage} geography "
                    f"its area is {names}")
        if code in self.later_codes:
            return (f"'{code}' is a later code; in the {self.vintage} geography the area was "
                    f"{self.later_codes[code]}")
        return f"'{code}' is not a Health and Wellbeing Board area code of the {self.vintage} geography"

    def successors(self, code: str) -> tuple[str, ...]:
        return tuple(p.successor for p in self.predecessors.get(code, ()))

    def icb(self, code: str) -> Icb:
        found = self.icbs.get(code) or next((i for i in self.icbs.values() if i.ods_code == code
                                             or i.code_july_2022 == code), None)
        if found is None:
            raise NotFound(f"'{code}' is not an ICB of the {self.vintage} geography ({len(self.icbs)} ICBs)")
        return found

    def icbs_for_area(self, area_code: str) -> tuple[AreaIcbShare, ...]:
        """The ICBs serving an area, largest share first (North Yorkshire has three)."""
        rows = [s for s in self.shares if s.area_code == area_code]
        return tuple(sorted(rows, key=lambda s: (-s.area_share, s.icb_code)))
