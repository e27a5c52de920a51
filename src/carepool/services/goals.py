"""Use case: an area's goals for a year against the actuals the metrics engine measured.

Reads the plan (from the store, or given), the year's metric list (programme file) and a metrics
file written by ``carepool metrics compute``; answers with ``metrics.goals.GoalRow`` per metric.

A two-year programme's plan (2023-25) writes one goal per plan year for each annual metric, so
one plan year's goal is set against that year's actual (``plan_year_goals``), never the two
years' goals combined against one year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from carepool.errors import InputError
from carepool.metrics.goals import GoalRow, goal_rows
from carepool.plans.model import MetricPlan, Plan
from carepool.programme.load import load_programme
from carepool.programme.model import ProgrammeYear


def financial_year_label(year_id: str) -> str:
    """'bcf-2025-26' -> '2025-26'; 'bcf-2023-25' -> '2023-24' (a two-year plan's first year)."""
    digits = "".join(ch for ch in year_id if ch.isdigit())
    if len(digits) < 4:
        raise InputError(f"'{year_id}' does not name a financial year")
    start = int(digits[:4])
    return f"{start}-{(start + 1) % 100:02d}"


def plan_year_asked(year_id: str, asked: str | None) -> str:
    """The plan year a goals page shows: ``asked``, or the programme's first (an InputError if
    ``asked`` is not one of its plan years)."""
    labels = load_programme(year_id).plan_years or (financial_year_label(year_id),)
    if asked is None or asked == "":
        return labels[0]
    if asked not in labels:
        raise InputError(f"'{asked}' is not a plan year of {year_id} (one of {', '.join(labels)})", where="plan_year")
    return asked


def plan_year_goals(metrics: Sequence[MetricPlan], programme: ProgrammeYear, label: str) -> tuple[MetricPlan, ...]:
    """A two-year programme's annual metrics with only ``label``'s goal (the plan writes one per plan
    year, in plan-year order; no goal for a period that is not a plan year); others unchanged."""
    labels = programme.plan_years
    if len(labels) <= 1:
        return tuple(metrics)
    annual = {m.code for m in programme.metrics if m.frequency != "quarterly"}
    index = labels.index(label) if label in labels else None
    return tuple(replace(m, planned=(m.planned[index] if index is not None else None,))
                 if m.code in annual and len(m.planned) == len(labels) else m for m in metrics)


def goals_for(plan: Plan, year_id: str, metrics_file: str | Path, *, period: str | None = None) -> list[GoalRow]:
    """Each of the plan's metrics that the year names: goal, actual for ``period`` (default the
    year's first financial year) and the SPC icons of the area's monthly series to that year's end."""
    return goals_by_area([plan], year_id, metrics_file, period=period)[plan.area_code]


def goals_by_area(plans: Sequence[Plan], year_id: str, metrics_file: str | Path | None, *,
                  period: str | None = None) -> dict[str, list[GoalRow]]:
    """``goals_for`` of many plans (one per area), reading the metrics file once; with no file, the
    goals alone (no actuals, no icons)."""
    path = Path(metrics_file) if metrics_file is not None else None
    if path is not None and not path.exists():
        raise InputError("no such metrics file (write one with carepool metrics compute)", where=str(path))
    programme = load_programme(year_id)
    specs = {m.code: (m.name, m.unit, m.improvement) for m in programme.metrics}
    label = period or financial_year_label(year_id)
    last_month = f"{int(label[:4]) + 1}-03"
    areas = {p.area_code for p in plans}
    if path is None:
        return {p.area_code: goal_rows(plan_year_goals(p.metrics, programme, label), specs, {}, {}) for p in plans}
    try:
        table = pq.read_table(path, columns=["metric", "grain", "period", "area_code", "value"],
                              filters=[("area_code", "in", sorted(areas))] if areas else None)
    except Exception as exc:   # pyarrow raises several kinds for a file that is not a metrics table
        raise InputError(f"cannot read the metrics file: {exc}", where=str(path)) from exc
    yearly: dict[str, dict[str, float | None]] = {a: {} for a in areas}
    monthly: dict[str, dict[str, list[tuple[date, float]]]] = {a: {} for a in areas}
    for row in table.to_pylist():
        area = row["area_code"]
        if area not in areas or row["metric"] not in specs:
            continue
        if row["grain"] == "year" and row["period"] == label:
            yearly[area][row["metric"]] = row["value"]
        elif row["grain"] == "month" and row["value"] is not None and row["period"] <= last_month:
            monthly[area].setdefault(row["metric"], []).append(
                (date(int(row["period"][:4]), int(row["period"][5:7]), 1), float(row["value"])))
    for by_metric in monthly.values():
        for series in by_metric.values():
            series.sort()
    return {p.area_code: goal_rows(plan_year_goals(p.metrics, programme, label), specs, yearly[p.area_code],
                                   monthly[p.area_code]) for p in plans}
