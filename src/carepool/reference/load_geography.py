"""Read a geography vintage from the shipped files (2015 from the 2015 reference, 2023 from
``hwb_2023.csv``, ``icb_2023.csv`` and ``hwb_icb_2023.csv``)."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from carepool.errors import NotFound
from carepool.reference.geography import (
    SHIPPED_VINTAGES,
    AreaIcbShare,
    Geography,
    Icb,
    PlanArea,
    Predecessor,
)
from carepool.reference.load import load_reference, read_rows

_PREDECESSOR = re.compile(r"(E\d{8}) (.+?) \((\w+), ended (\d{4}-\d{2}-\d{2})\)")


def geography(vintage: str) -> Geography:
    """The geography of a vintage; vintages not shipped are refused with the ones that are."""
    if vintage == "2023":
        return geography_2023()
    if vintage == "2015":
        return geography_2015()
    raise NotFound(f"the {vintage} geography is not shipped (carepool has {', '.join(SHIPPED_VINTAGES)}); "
                   "check codes against the 2023 geography, which names every successor")


def _predecessors() -> dict[str, tuple[Predecessor, ...]]:
    out: dict[str, list[Predecessor]] = {}
    for row in read_rows("hwb_2023.csv"):
        for code, name, kind, ended in _PREDECESSOR.findall(row["predecessors_since_2015"]):
            out.setdefault(code, []).append(Predecessor(code, name, kind, ended, row["hwb_code"]))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def geography_2023() -> Geography:
    areas = {
        r["hwb_code"]: PlanArea(
            code=r["hwb_code"], name=r["hwb_name"], la_type=r["la_type"], region_code=r["region_code"],
            region_name=r["region_name"], population_all_ages=int(r["pop_mid2022_all_ages"]),
            population_65_plus=int(r["pop_mid2022_65plus"]),
            created=r["council_created_since_2015"] or None, notes=r["notes"],
        )
        for r in read_rows("hwb_2023.csv")
    }
    icbs = {
        r["icb23_code"]: Icb(code=r["icb23_code"], ods_code=r["icb_ods_code"], name=r["icb_name"],
                             region_code=r["nhs_region_code"], region_name=r["nhs_region_name"],
                             code_july_2022=r["icb_code_july2022"])
        for r in read_rows("icb_2023.csv")
    }
    rows = list(read_rows("hwb_icb_2023.csv"))
    area_total: dict[str, int] = {}
    icb_total: dict[str, int] = {}
    for r in rows:
        n = int(r["census2021_usual_residents"])
        area_total[r["hwb_code"]] = area_total.get(r["hwb_code"], 0) + n
        icb_total[r["icb23_code"]] = icb_total.get(r["icb23_code"], 0) + n
    shares = tuple(
        AreaIcbShare(area_code=r["hwb_code"], icb_code=r["icb23_code"],
                     residents=int(r["census2021_usual_residents"]),
                     area_share=Fraction(int(r["census2021_usual_residents"]), area_total[r["hwb_code"]]),
                     icb_share=Fraction(int(r["census2021_usual_residents"]), icb_total[r["icb23_code"]]))
        for r in rows
    )
    return Geography(vintage="2023", areas=areas, icbs=icbs, shares=shares, predecessors=_predecessors())


@lru_cache(maxsize=1)
def geography_2015() -> Geography:
    ref = load_reference()
    areas = {
        a.code: PlanArea(code=a.code, name=a.name, la_type=a.utla_type, region_code=a.region_code,
                         region_name=a.region_name, population_all_ages=a.population_all_ages,
                         population_65_plus=a.population_65_plus)
        for a in ref.areas.values()
    }
    later: dict[str, str] = {}
    for old, successors in _predecessors().items():
        area = ref.utla_to_area.get(old)
        if area is not None:
            for p in successors:
                later.setdefault(p.successor, area)
    grouped = {utla: area for utla, area in ref.utla_to_area.items() if utla != area}
    return Geography(vintage="2015", areas=areas, later_codes=later, grouped=grouped)
