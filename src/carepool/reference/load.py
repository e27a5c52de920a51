"""Read the shipped reference files into ``ReferenceData`` (the only file access here)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from carepool.reference.model import Area, Ccg, CcgAreaLink, ReferenceData


def data_path(name: str) -> Path:
    """Path of a shipped reference file."""
    return Path(str(resources.files("carepool.reference") / "data" / name))


def read_rows(name: str) -> Iterator[dict[str, str]]:
    with data_path(name).open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


@lru_cache(maxsize=1)
def load_reference() -> ReferenceData:
    groupings = {r["utla15_code"]: r["hwb_area_code"] for r in read_rows("hwb_groupings.csv")}
    utla_rows = list(read_rows("hwb_2015.csv"))
    members: dict[str, list[dict[str, str]]] = {}
    for row in utla_rows:
        area_code = groupings.get(row["utla15_code"], row["utla15_code"])
        members.setdefault(area_code, []).append(row)
    areas: dict[str, Area] = {}
    utla_to_area: dict[str, str] = {}
    for area_code, rows in members.items():
        lead = next(r for r in rows if r["utla15_code"] == area_code)
        names = [lead["utla15_name"]] + [r["utla15_name"] for r in rows if r is not lead]

        def pop(column: str, rows: list[dict[str, str]] = rows) -> int:
            return sum(int(r[column]) for r in rows)

        areas[area_code] = Area(
            code=area_code,
            name=" and ".join(names),
            utla_codes=tuple(r["utla15_code"] for r in rows),
            utla_type=lead["utla_type"],
            region_code=lead["region15_code"],
            region_name=lead["region15_name"],
            population_all_ages=pop("mye2_pop_all_ages_mid2015"),
            population_18_plus=pop("mye2_pop_18plus_mid2015"),
            population_65_plus=pop("mye2_pop_65plus_mid2015"),
            population_all_ages_2016=pop("mye2_pop_all_ages_mid2016"),
            population_18_plus_2016=pop("mye2_pop_18plus_mid2016"),
            population_65_plus_2016=pop("mye2_pop_65plus_mid2016"),
            district_codes=tuple(code for r in rows if r["utla_type"] == "County"
                                 for code in r["lad15_codes"].split(";") if code.strip()),
        )
        for r in rows:
            utla_to_area[r["utla15_code"]] = area_code

    ccgs_2013: dict[str, Ccg] = {}
    for row in read_rows("ccg_2015.csv"):
        ccgs_2013[row["ccg_ods_code"]] = Ccg(
            code=row["ccg_ods_code"],
            ons_code=row["ccg13_ons_code"],
            name=row["ccg_name_ons_2015"] or row["ccg_name_nomis_census2011"] + " CCG",
            opened=_iso(row["ods_open_date"]),
            closed=_iso(row["ods_close_date"]) if row["ods_close_date"] else None,
            successor=row["ccg15_ods_code"],
            census_2011_residents=int(row["usual_residents_census2011"]),
        )
    ccgs_2015: dict[str, Ccg] = {}
    for row in read_rows("ccg_2015_jul_209.csv"):
        predecessors = row["ccg13_ods_codes"].split(";") if row["ccg13_ods_codes"] else []
        residents = sum(
            ccgs_2013[p.strip()].census_2011_residents for p in predecessors if p.strip() in ccgs_2013
        )
        ccgs_2015[row["ccg15_ods_code"]] = Ccg(
            code=row["ccg15_ods_code"],
            ons_code=row["ccg15_ons_code"],
            name=row["ccg15_name"],
            opened="2015-04-01" if row["ccg15_ods_code"] == "13T" else "2013-04-01",
            closed=None,
            successor=row["ccg15_ods_code"],
            census_2011_residents=residents,
        )

    merged: dict[tuple[str, str], list[int]] = {}
    for row in read_rows("ccg_hwb_2015.csv"):
        key = (row["ccg15_ods_code"], utla_to_area[row["utla15_code"]])
        acc = merged.setdefault(key, [0, 0])
        acc[0] += int(row["lsoa_pop_total_mid2015_excl_prisoners"])
        acc[1] += int(row["lsoa_pop_60plus_mid2015_excl_prisoners"])
    links = tuple(
        CcgAreaLink(ccg_code=ccg, area_code=area, population=p[0], population_60_plus=p[1])
        for (ccg, area), p in sorted(merged.items())
    )
    return ReferenceData(
        areas=dict(sorted(areas.items())),
        ccgs_2013=ccgs_2013,
        ccgs_2015=ccgs_2015,
        links=links,
        utla_to_area=utla_to_area,
    )
