"""The real published series as tidy Arrow tables for the engines and the SPC charts.

MAR admissions and DToC delayed days come from their one reader, ``reference.published_series`` (so every
caller sees the same area values); the Greater Manchester ASCOF files, read only here, go
through the same loaders and schemas as person-level data. Each function returns a
``PublishedSeries``: one row per area and month (or per area and year for ASCOF), England totals
as published, and the findings (fractional MAR counts, blank DToC cells, commissioners that are
not CCGs, quarantined rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pyarrow as pa

from carepool.activity.published import ASCOF
from carepool.engines.loader import validate_file
from carepool.findings import Finding, warning
from carepool.reference.load import data_path
from carepool.reference.published_series import AreaSeries, delayed_days, nonelective_admissions


@dataclass(frozen=True)
class PublishedSeries:
    """A published series by area and period, England as published, and what was reported."""

    name: str
    table: pa.Table
    england: dict[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def by_area_month(self) -> dict[tuple[str, str], int]:
        return {(a, p): int(v) for a, p, v in zip(
            self.table.column("area_code").to_pylist(), self.table.column("month").to_pylist(),
            self.table.column("value").to_pylist(), strict=True)}


def financial_year(month: str) -> str:
    """'2015-04' -> '2015-16'; '2016-03' -> '2015-16'."""
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def england_by_financial_year(series: PublishedSeries) -> dict[str, int]:
    """Published England totals summed by financial year."""
    out: dict[str, int] = {}
    for month, value in series.england.items():
        out[financial_year(month)] = out.get(financial_year(month), 0) + value
    return out


def _tidy(name: str, values: dict[tuple[str, str], int]) -> pa.Table:
    keys = sorted(values)
    return pa.table({
        "area_code": pa.array([a for a, _ in keys], pa.string()),
        "month": pa.array([p for _, p in keys], pa.string()),
        "month_start": pa.array([date(int(p[:4]), int(p[5:7]), 1) for _, p in keys], pa.date32()),
        "value": pa.array([values[k] for k in keys], pa.int64()),
    })


def _published(name: str, series: AreaSeries) -> PublishedSeries:
    return PublishedSeries(name, _tidy(name, series.values), dict(series.england), series.findings)


@lru_cache(maxsize=1)
def nonelective_by_area_month() -> PublishedSeries:
    """MAR non-elective G&A admissions (FFCEs) per HWB area and month, Apr 2012 - Dec 2019."""
    return _published("nonelective_admissions", nonelective_admissions())


@lru_cache(maxsize=1)
def delayed_days_by_area_month() -> PublishedSeries:
    """DToC delayed days per HWB area and month (total of NHS, social care and both)."""
    return _published("delayed_days", delayed_days("delayed_days_total"))


@lru_cache(maxsize=1)
def delayed_days_by_responsible() -> dict[tuple[str, str], tuple[int, int, int]]:
    """(area, month) -> (NHS, social care, both) delayed days, where all three are published."""
    nhs, care, both = (delayed_days(c).values for c in
                       ("delayed_days_nhs", "delayed_days_social_care", "delayed_days_both"))
    return {key: (nhs[key], care[key], both[key]) for key in sorted(nhs) if key in care and key in both}


def ascof_greater_manchester() -> PublishedSeries:
    """ASCOF 2A(2) care-home admissions per 100,000 65+ and 2B(1) % at home after reablement."""
    tables: list[pa.Table] = []
    findings: list[Finding] = []
    for file, code in (("gm_care_home_admissions_ascof2a2.csv", "ASCOF2A2"),
                       ("gm_reablement_91day_ascof2b1.csv", "ASCOF2B1")):
        good, bad, _ = validate_file(data_path(file), ASCOF, known_areas=())
        findings += [warning("published.ascof.quarantined", str(r["reason"]), file=file, row=int(r["row"]))
                     for r in bad.select(["row", "reason"]).to_pylist()]
        tables.append(pa.table({
            "area_code": good.column("area_code"), "area_name": good.column("area_name"),
            "period": good.column("period"),
            "measure": pa.array([code] * good.num_rows, pa.string()), "value": good.column("value"),
        }))
    return PublishedSeries("ascof_gm", pa.concat_tables(tables), {}, tuple(findings))
