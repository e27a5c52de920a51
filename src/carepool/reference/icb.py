"""Which share of each ICB's residents live in each plan area (for apportioning ICB series).

Shares come from ``hwb_icb_2023.csv`` (Census 2021 usual residents by HWB x ICB, derived by the
project from ONS lookups; not NHS England's own BCF allocation shares, which were not found).
A 2015 plan area whose council has since been replaced is carried to its 2023 successors through
``hwb_2023.csv``'s predecessor lists; a successor formed from several 2015 areas is divided
between them by their mid-2015 population. Every figure built from these shares is "apportioned".
"""

from __future__ import annotations

import csv
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from carepool.errors import ValidationFailed
from carepool.findings import Finding, error
from carepool.reference.load import data_path, load_reference, read_rows

ICB_FILE = "icb_2023.csv"


@lru_cache(maxsize=1)
def _hwb_icb() -> dict[str, dict[str, Fraction]]:
    """2023 HWB code -> {ICB code: share of that ICB's residents living in the HWB}."""
    out: dict[str, dict[str, Fraction]] = {}
    for r in read_rows("hwb_icb_2023.csv"):
        out.setdefault(r["hwb_code"], {})[r["icb23_code"]] = Fraction(r["icb_pop_share"])
    return out


@lru_cache(maxsize=1)
def _predecessors() -> dict[str, list[str]]:
    """Old (2015-era) council code -> the 2023 HWB codes that replaced it."""
    out: dict[str, list[str]] = {}
    for r in read_rows("hwb_2023.csv"):
        for part in filter(None, (p.strip() for p in r["predecessors_since_2015"].split(";"))):
            out.setdefault(part.split(" ")[0], []).append(r["hwb_code"])
    return out


@lru_cache(maxsize=1)
def icb_shares_by_area() -> dict[str, dict[str, Fraction]]:
    """Plan area (2015 code) -> {ICB code: share of the ICB's residents in the area}."""
    ref = load_reference()
    claims: dict[str, list[str]] = {}          # 2023 HWB -> 2015 areas that claim it
    for area in ref.areas.values():
        for utla in area.utla_codes:
            targets = [utla] if utla in _hwb_icb() else _predecessors().get(utla, [])
            for hwb in targets:
                if area.code not in claims.setdefault(hwb, []):
                    claims[hwb].append(area.code)
    out: dict[str, dict[str, Fraction]] = {}
    for hwb, areas in claims.items():
        total = sum(ref.areas[a].population_all_ages for a in areas)
        for area_code in areas:
            part = Fraction(ref.areas[area_code].population_all_ages, total)
            shares = out.setdefault(area_code, {})
            for icb, share in _hwb_icb().get(hwb, {}).items():
                shares[icb] = shares.get(icb, Fraction(0)) + share * part
    return out


def read_icbs(path: Path | None = None) -> tuple[dict[str, int], dict[str, str]]:
    """ICB code -> Census 2021 residents and -> name (``icb_2023.csv``), refusing a malformed file."""
    path = path or data_path(ICB_FILE)
    found: list[Finding] = []
    population: dict[str, int] = {}
    names: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            raw = (row.get("census2021_usual_residents") or "").strip()
            if not raw.isdigit() or int(raw) == 0:
                found.append(error("icb.population", f"census2021_usual_residents '{raw}' is not a positive "
                                   "whole number", file=path.name, row=line, field="census2021_usual_residents"))
                continue
            population[row["icb23_code"]] = int(raw)
            names[row["icb23_code"]] = row.get("icb_name") or row["icb23_code"]
    if found:
        raise ValidationFailed(f"{path.name}: {len(found)} problem(s); first: {found[0]}", found)
    return population, names
