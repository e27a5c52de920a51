"""The ICB discharge sitrep series (April 2022 to August 2025) and ICB populations, validated.

``discharge_sitrep_icb_monthly_2022_2025.csv`` is NHS England's acute discharge situation report
aggregated to ICB months (see SOURCES.md); ``icb_2023.csv`` gives the 42 ICBs with their Census
2021 residents. ``sitrep_series(metric)`` returns each ICB's monthly mean of the daily count;
every malformed row is a finding located by file, row and field, and any finding refuses the
file. Quirks that are data, not errors (an ICB missing from some months, days missing inside a
month), are returned as notes for the report, never filled in.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from carepool.errors import NotFound, ValidationFailed
from carepool.findings import Finding, error
from carepool.reference.load import data_path

SITREP_FILE = "discharge_sitrep_icb_monthly_2022_2025.csv"
ICB_FILE = "icb_2023.csv"
METRICS = ("do_not_meet_criteria_to_reside", "discharged_total", "discharged_by_1700",
           "discharged_between_1701_2359")
FIELDS = ("month", "icb23_code", "icb_ods_code", "metric", "days_in_file", "days_missing", "days_with_zero",
          "sum_of_daily", "mean_of_daily")
MAX_ROWS = 20_000
_MONTH = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class SitrepSeries:
    """One metric: ICB x month monthly means of the daily count, ICB populations and notes."""

    metric: str
    values: dict[tuple[str, str], float]     # (icb23 code, 'YYYY-MM') -> mean of daily counts
    population: dict[str, int]               # icb23 code -> Census 2021 usual residents
    names: dict[str, str]
    months: tuple[str, ...]
    notes: tuple[str, ...]

    def complete_icbs(self) -> tuple[str, ...]:
        """ICBs with a value in every month (the others are left out, and named in the notes)."""
        return tuple(sorted(c for c in self.population if all((c, m) in self.values for m in self.months)))


def read_icbs(path: Path | None = None) -> tuple[dict[str, int], dict[str, str]]:
    """ICB code -> Census 2021 residents and -> name, refusing a malformed file."""
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


def validate_sitrep(path: Path, icbs: set[str]) -> tuple[list[dict[str, str]], list[Finding]]:
    """Every problem in the sitrep file, located by row and field."""
    found: list[Finding] = []
    rows: list[dict[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS if f not in (reader.fieldnames or ())]
        if missing:
            return [], [error("sitrep.columns", f"missing column(s) {', '.join(missing)}", file=path.name, row=1,
                              field=missing[0])]
        for line, row in enumerate(reader, start=2):
            if line > MAX_ROWS:
                return [], [error("sitrep.too_long", f"more than {MAX_ROWS} rows", file=path.name)]
            bad = _row_findings(row, icbs, path.name, line)
            found.extend(bad)
            if not bad:
                rows.append(row)
    return rows, found


def _row_findings(row: dict[str, str], icbs: set[str], where: str, line: int) -> list[Finding]:
    out = []
    if not _MONTH.match(row["month"] or ""):
        out.append(error("sitrep.month", f"month '{row['month']}' is not YYYY-MM", file=where, row=line, field="month"))
    if row["icb23_code"] not in icbs:
        out.append(error("sitrep.icb", f"icb23_code '{row['icb23_code']}' is not one of the 42 ICBs", file=where,
                         row=line, field="icb23_code"))
    if row["metric"] not in METRICS:
        out.append(error("sitrep.metric", f"metric '{row['metric']}' is not one of {', '.join(METRICS)}",
                         file=where, row=line, field="metric"))
    for name in ("days_in_file", "days_missing", "sum_of_daily"):
        if not (row[name] or "").strip().isdigit():
            out.append(error("sitrep.count", f"{name} '{row[name]}' is not a whole number", file=where, row=line,
                             field=name))
    try:
        if float(row["mean_of_daily"]) < 0:
            raise ValueError
    except (TypeError, ValueError):
        out.append(error("sitrep.mean", f"mean_of_daily '{row['mean_of_daily']}' is not a non-negative number",
                         file=where, row=line, field="mean_of_daily"))
    return out


def sitrep_series(metric: str = "do_not_meet_criteria_to_reside", path: Path | None = None) -> SitrepSeries:
    """The metric's ICB x month series from the shipped file (or ``path``), validated."""
    if metric not in METRICS:
        raise NotFound(f"no sitrep metric '{metric}' (one of {', '.join(METRICS)})")
    if path is None:
        return _shipped(metric)
    return _read(metric, path)


@lru_cache(maxsize=len(METRICS))
def _shipped(metric: str) -> SitrepSeries:
    return _read(metric, data_path(SITREP_FILE))


def _read(metric: str, path: Path) -> SitrepSeries:
    population, names = read_icbs()
    rows, found = validate_sitrep(path, set(population))
    if found:
        raise ValidationFailed(f"{path.name}: {len(found)} problem(s); first: {found[0]}", found)
    values: dict[tuple[str, str], float] = {}
    gaps = 0
    for row in rows:
        if row["metric"] != metric:
            continue
        values[(row["icb23_code"], row["month"])] = float(row["mean_of_daily"])
        gaps += int(row["days_missing"])
    months = tuple(sorted({m for _, m in values}))
    notes = [f"{SITREP_FILE}: {len(values)} ICB-months of {metric}, {months[0]} to {months[-1]}"] if months else []
    for code in sorted(population):
        absent = [m for m in months if (code, m) not in values]
        if absent:
            notes.append(f"{names[code]} has no {metric} for {len(absent)} month(s) from {absent[0]}; "
                         "left out of ICB comparisons, never filled in")
    if gaps:
        notes.append(f"{gaps} ICB-day(s) missing inside months; monthly means are of the days present")
    return SitrepSeries(metric, values, population, names, months, tuple(notes))
