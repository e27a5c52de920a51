"""Area x month panels of the real published series shipped in ``reference/data``.

Emergency admissions: MAR non-elective FFCEs by CCG, shared to HWB areas by exact population
shares. The MAR is by PCT before April 2013 and the reader's area values for those months are
estimates (split like the same month a year later), so area panels of admissions start in
April 2013; the England series starts in April 2012. Delayed days: DToC by
local authority, grouped into plan areas. Areas with a blank or '-' cell in the window are
left out and named, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from carepool.errors import InputError
from carepool.evaluation.panel import Panel
from carepool.reference import load_reference
from carepool.reference.published_series import delayed_days, nonelective_admissions

DTOC_COLUMNS = {"delayed_days": "delayed_days_total", "delayed_days_nhs": "delayed_days_nhs",
                "delayed_days_social_care": "delayed_days_social_care"}
METRICS = ("emergency_admissions", *DTOC_COLUMNS)
FIRST_AREA_MONTH = {"emergency_admissions": "2013-04", **{m: "2011-04" for m in DTOC_COLUMNS}}


@dataclass(frozen=True)
class RealSeries:
    """One metric: an area x month panel and the published England series."""

    metric: str
    panel: Panel                      # areas with every month in the window
    england: tuple[float, ...]        # published England row, same months
    excluded_areas: tuple[str, ...]   # areas with an unreadable cell in the window
    source: str


def months_between(first: str, last: str) -> tuple[str, ...]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


def real_series(metric: str, first: str = "2012-04", last: str = "2017-03") -> RealSeries:
    """The metric's area panel (from ``first`` or its first area month) and England series."""
    if metric not in METRICS:
        raise InputError(f"metric must be one of {', '.join(METRICS)}, not '{metric}'")
    areas_by_month, england = _load(metric)
    area_first = max(first, FIRST_AREA_MONTH[metric])
    months = months_between(area_first, last)
    eng_months = months_between(first, last)
    missing_eng = [m for m in eng_months if m not in england]
    if missing_eng:
        raise InputError(f"no England {metric} for {', '.join(missing_eng[:5])}")
    codes = sorted(load_reference().areas)
    values = np.full((len(codes), len(months)), np.nan)
    for j, month in enumerate(months):
        row = areas_by_month.get(month, {})
        for i, code in enumerate(codes):
            if code in row:
                values[i, j] = row[code]
    ok = ~np.isnan(values).any(axis=1)
    source = ("NHS England Monthly Activity Return, non-elective G&A FFCEs by CCG, shared to areas "
              "by population" if metric == "emergency_admissions" else
              f"NHS England delayed transfers of care, {DTOC_COLUMNS[metric].replace('_', ' ')} "
              "by local authority")
    panel = Panel(tuple(c for c, k in zip(codes, ok, strict=True) if k), months, metric, values[ok])
    return RealSeries(metric, panel, tuple(england[m] for m in eng_months),
                      tuple(c for c, k in zip(codes, ok, strict=True) if not k), source)


@lru_cache(maxsize=4)
def _load(metric: str) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Area x month values and England from the one reader of the published series."""
    series = nonelective_admissions() if metric == "emergency_admissions" else delayed_days(DTOC_COLUMNS[metric])
    by_month: dict[str, dict[str, float]] = {}
    for (area, period), value in series.values.items():
        by_month.setdefault(period, {})[area] = float(value)
    return by_month, {p: float(v) for p, v in series.england.items()}


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None
