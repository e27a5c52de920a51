"""Rebuild the per-programme-year allocation files from ``bcf_allocations_partial.csv``.

Run from the repository root:  .venv/bin/python src/carepool/reference/data/allocations/build.py

Transformations (documented in ../SOURCES.md): each published row goes to the file of the
programme year that contains its financial year; the stream name becomes the programme files'
stream family (or ``nhs_minimum_total`` for a CCG's whole minimum contribution); a CCG named
by HSJ gets its ODS code by exact name match against ``ccg_2015_jul_209.csv`` and, when the
reference links show it serves one area only, that area's code. Aggregates that are not a
partner (the "East Anglia" total) are left out. No amount is changed.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
PROGRAMME = {"2015-16": "bcf-2015-16", "2016-17": "bcf-2016-17", "2017-18": "bcf-2017-19",
             "2018-19": "bcf-2017-19", "2019-20": "bcf-2019-20", "2020-21": "bcf-2020-21",
             "2021-22": "bcf-2021-22", "2022-23": "bcf-2022-23", "2023-24": "bcf-2023-25",
             "2024-25": "bcf-2023-25", "2025-26": "bcf-2025-26"}
STREAM = {"ccg_minimum_contribution": "nhs_minimum_total", "disabled_facilities_grant": "dfg",
          "improved_better_care_fund": "la-grant", "discharge_fund_local_authority": "discharge-la"}
KIND = {"CCG (2015-16 geography)": "ccg", "county council": "upper_tier_council",
        "district (lower-tier LA)": "district_council", "upper-tier LA / HWB": "upper_tier_council"}
COLUMNS = ["plan_year", "partner_kind", "partner_code", "partner_name", "area_code", "stream", "amount_gbp",
           "publisher", "publication", "url", "note"]


def _ccgs() -> tuple[dict[str, str], dict[str, set[str]]]:
    with (DATA / "ccg_2015_jul_209.csv").open(encoding="utf-8") as f:
        codes = {r["ccg15_name"]: r["ccg15_ods_code"] for r in csv.DictReader(f)}
    areas: dict[str, set[str]] = {}
    with (DATA / "hwb_groupings.csv").open(encoding="utf-8") as f:
        groupings = {r["utla15_code"]: r["hwb_area_code"] for r in csv.DictReader(f)}
    with (DATA / "ccg_hwb_2015.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            areas.setdefault(r["ccg15_ods_code"], set()).add(groupings.get(r["utla15_code"], r["utla15_code"]))
    return codes, areas


def build() -> dict[str, list[dict[str, str]]]:
    codes, areas = _ccgs()
    out: dict[str, list[dict[str, str]]] = {}
    with (HERE / "bcf_allocations_partial.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            kind = KIND.get(r["area_type"])
            stream = STREAM.get(r["stream"])   # an in-year uplift is not a minimum: left out
            if kind is None or stream is None or not r["amount_gbp"]:
                continue  # aggregates and rows that are not one partner's allocation
            code, area = r["area_code"], r["area_code"] if kind == "upper_tier_council" else ""
            if kind == "ccg":
                code = codes[f"NHS {r['area_name']} CCG"]
                served = areas.get(code, set())
                area = next(iter(served)) if len(served) == 1 else ""
            out.setdefault(PROGRAMME[r["year"]], []).append({
                "plan_year": r["year"], "partner_kind": kind, "partner_code": code, "partner_name": r["area_name"],
                "area_code": area, "stream": stream, "amount_gbp": r["amount_gbp"], "publisher": r["publisher"],
                "publication": r["publication"], "url": r["url"], "note": r["note"],
            })
    return out


def write() -> None:
    for year_id, rows in sorted(build().items()):
        with (HERE / f"{year_id}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(sorted(rows, key=lambda r: (r["plan_year"], r["partner_kind"], r["partner_code"],
                                                         r["stream"])))


if __name__ == "__main__":
    write()
