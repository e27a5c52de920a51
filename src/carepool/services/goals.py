"""Use case: an area's goals for a year against the actuals the metrics engine measured.

Reads the plan (from the store, or given), the year's metric list (programme file) and a metrics
file written by ``carepool metrics compute``; answers with ``metrics.goals.GoalRow`` per metric.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from carepool.errors import InputError
from carepool.metrics.goals import GoalRow, goal_rows
from carepool.plans.model import Plan
from carepool.programme.load import load_programme


def financial_year_label(year_id: str) -> str:
    """'bcf-2025-26' -> '2025-26'; 'bcf-2023-25' -> '2023-24' (a two-year plan's first year)."""
    digits = "".join(ch for ch in year_id if ch.isdigit())
    if len(digits) < 4:
        raise InputError(f"'{year_id}' does not name a financial year")
    start = int(digits[:4])
    return f"{start}-{(start + 1) % 100:02d}"


def goals_for(plan: Plan, year_id: str, metrics_file: str | Path, *, period: str | None = None) -> list[GoalRow]:
    """Each of the plan's metrics that the year names: goal, actual for ``period`` (default the
    year's first financial year) and the SPC icons of the area's monthly series to that year's end."""
    path = Path(metrics_file)
    if not path.exists():
        raise InputError("no such metrics file (write one with carepool metrics compute)", where=str(path))
    programme = load_programme(year_id)
    specs = {m.code: (m.name, m.unit, m.improvement) for m in programme.metrics}
    label = period or financial_year_label(year_id)
    last_month = f"{int(label[:4]) + 1}-03"
    table = pq.read_table(path, columns=["metric", "grain", "period", "area_code", "value"])
    yearly: dict[str, float | None] = {}
    monthly: dict[str, list[tuple[date, float]]] = {}
    for row in table.to_pylist():
        if row["area_code"] != plan.area_code or row["metric"] not in specs:
            continue
        if row["grain"] == "year" and row["period"] == label:
            yearly[row["metric"]] = row["value"]
        elif row["grain"] == "month" and row["value"] is not None and row["period"] <= last_month:
            monthly.setdefault(row["metric"], []).append(
                (date(int(row["period"][:4]), int(row["period"][5:7]), 1), float(row["value"])))
    for series in monthly.values():
        series.sort()
    return goal_rows(plan.metrics, specs, yearly, monthly)
