"""Use cases for the metrics section of current years' returns: figures, completion, collection.

Where person-level data are loaded and measured (``carepool metrics compute`` writes a metrics
file), the engine's figure for the area and period is the return's actual, with its interval,
marked ``engine``; an area's own figure that differs from it is a finding (the engine's stands).
Where no figure is loaded the area enters the actual, marked ``entered``. The goal always comes
from the area's assured plan. The metrics file is the one given (CLI ``--metrics``) or named by
``CAREPOOL_METRICS_FILE``; without either, every figure is entered by the area.

``collect`` is the national team's view: every area's latest return for a period, one row per
metric, with a summary per metric (areas reporting, on track, figures from the engine).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow.parquet as pq

from carepool.errors import InputError
from carepool.findings import Finding, warning
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import QuarterlyReturn, ReturnRecord
from carepool.plans.return_metrics import ENGINE, ENTERED, MetricLine, differs, meets, plan_goals
from carepool.programme import ProgrammeYear

METRICS_FILE_ENV = "CAREPOOL_METRICS_FILE"
_COLUMNS = ["metric", "grain", "period", "area_code", "value", "lower", "upper", "interval"]


@dataclass(frozen=True, slots=True)
class EngineFigure:
    """One metric's value for an area and period as the metrics engine measured it."""

    metric: str
    value: float
    lower: float | None
    upper: float | None
    interval: str


def metrics_file(given: str | Path | None = None) -> Path | None:
    """The metrics file to read engine figures from: the one given, else ``CAREPOOL_METRICS_FILE``."""
    chosen = given if given is not None else os.environ.get(METRICS_FILE_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen)
    if not path.is_file():
        raise InputError("no such metrics file (write one with carepool metrics compute)", where=str(path))
    return path


def engine_figures(path: Path | None, area: str, period: str, metrics: Iterable[str]) -> dict[str, EngineFigure]:
    """The engine's figures for ``area`` and ``period`` ('2025Q1' or '2025-26') of ``metrics``."""
    if path is None:
        return {}
    wanted = set(metrics)
    grain = "year" if "-" in period else "quarter"
    try:
        table = pq.read_table(path, columns=_COLUMNS, filters=[("area_code", "=", area), ("period", "=", period),
                                                                ("grain", "=", grain)])
    except Exception as exc:   # pyarrow raises several kinds for a file that is not a metrics table
        raise InputError(f"cannot read the metrics file: {exc}", where=str(path)) from exc
    out: dict[str, EngineFigure] = {}
    for row in table.to_pylist():
        if row["metric"] in wanted and row["value"] is not None:
            out[row["metric"]] = EngineFigure(row["metric"], float(row["value"]), row["lower"], row["upper"],
                                              row["interval"] or "")
    return out


def complete(ret: QuarterlyReturn, programme: ProgrammeYear, plan: Plan | None,
             figures: Mapping[str, EngineFigure]) -> tuple[QuarterlyReturn, list[Finding]]:
    """The return with each metric's goal (from the plan) and, where loaded, the engine's figure."""
    goals = plan_goals(plan, programme, ret.quarter)
    given = {m.metric: m for m in ret.metrics}
    found: list[Finding] = []
    lines: list[MetricLine] = []
    for spec in programme.metrics:
        line = given.pop(spec.code, MetricLine(spec.code))
        figure = figures.get(spec.code)
        if figure is not None:
            if line.actual is not None and line.source == ENTERED and differs(figure.value, line.actual):
                found.append(warning("return.metric-differs", f"{spec.name}: the figure entered ({line.actual:,.2f}) "
                                     f"differs from the metrics engine's ({figure.value:,.2f}) from person-level "
                                     "data; the engine's figure is reported", field=f"metrics.{spec.code}.actual"))
            line = replace(line, actual=figure.value, source=ENGINE, lower=figure.lower, upper=figure.upper,
                           interval=figure.interval)
        else:     # the area's own figure: no interval is claimed for it
            line = replace(line, source=ENTERED, lower=None, upper=None, interval="")
        lines.append(replace(line, goal=goals.get(spec.code)))
    lines += given.values()          # metrics the year does not have: validation names them
    return replace(ret, metrics=tuple(lines)), found


def prefill(programme: ProgrammeYear, plan: Plan | None, period: str, path: Path | None,
            area: str) -> tuple[MetricLine, ...]:
    """The metrics section as a form or workbook starts: goals, and the engine's figures where loaded."""
    empty = QuarterlyReturn(area, programme.id, period, (), (), None, None, ())
    figures = engine_figures(path, area, period, [m.code for m in programme.metrics])
    return complete(empty, programme, plan, figures)[0].metrics


# the national collection ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CollectedMetric:
    area_code: str
    period: str
    version: int
    metric: str
    goal: float | None
    actual: float | None
    source: str
    lower: float | None
    upper: float | None
    on_track: bool | None
    meets_goal: bool | None
    narrative: str


@dataclass(frozen=True, slots=True)
class MetricSummary:
    metric: str
    name: str
    areas: int
    on_track: int
    from_engine: int
    meets_goal: int


def collected_rows(programme: ProgrammeYear, records: Sequence[ReturnRecord]) -> list[CollectedMetric]:
    """One row per area and metric from the latest version of each area's return."""
    latest: dict[str, ReturnRecord] = {}
    for r in records:
        if r.area_code not in latest or r.version > latest[r.area_code].version:
            latest[r.area_code] = r
    specs = {m.code: m for m in programme.metrics}
    out: list[CollectedMetric] = []
    for area, r in sorted(latest.items()):
        for m in r.document.metrics:
            spec = specs.get(m.metric)
            out.append(CollectedMetric(area, r.quarter, r.version, m.metric, m.goal, m.actual, m.source, m.lower,
                                       m.upper, m.on_track, meets(spec, m.actual, m.goal) if spec else None,
                                       m.narrative))
    return out


def summary(programme: ProgrammeYear, rows: Sequence[CollectedMetric]) -> list[MetricSummary]:
    """Per metric of the year: how many areas reported, are on track, have engine figures, meet the goal."""
    out: list[MetricSummary] = []
    for spec in programme.metrics:
        mine = [r for r in rows if r.metric == spec.code]
        out.append(MetricSummary(spec.code, spec.name, len(mine), sum(r.on_track is True for r in mine),
                                 sum(r.source == ENGINE for r in mine), sum(r.meets_goal is True for r in mine)))
    return out
