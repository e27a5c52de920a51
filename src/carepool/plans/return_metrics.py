"""The metrics section of a current year's quarterly and end-of-year returns (issue 14, item 7).

From 2021-22 a return reports each metric of the year's set: the plan's goal for the period, the
period's actual (the metrics engine's figure where person-level data are loaded, marked
``engine``; otherwise the area's own figure, marked ``entered``), the confidence interval where
the metric has one, and whether the area is on track, with its narrative. 2015-era returns have
no such section: their metrics are the admissions and delayed days they always carried.

A period is a financial quarter (``2025Q1``) or, for the end-of-year return, a financial year
(``2025-26``); the metrics engine labels its quarters and years the same way. Goals are written
in the plan per quarter (four values) or per plan year; a year's rate per 100,000 is the sum of
its quarters' rates (quarters are not annualised), so a yearly rate goal is G / 4 a quarter;
percentages and days compare as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from carepool.findings import Finding, error, warning
from carepool.metrics.ids import measured_today
from carepool.plans.model import Plan
from carepool.programme.model import MetricSpec, ProgrammeYear

ENGINE = "engine"      # computed by the metrics engine from person-level data
ENTERED = "entered"    # entered by the area (no person-level data loaded for the period)
SOURCES = (ENGINE, ENTERED)
END_OF_YEAR = "end of year"
MAX_NARRATIVE = 10_000
MAX_FIGURE = 1_000_000.0
# reablement is measured on the October-December discharges at 91 days, known only after March:
# its figure is asked for in the end-of-year return, not in the quarterly ones
YEAR_END_ONLY = frozenset({"reablement_91"})
# an entered figure this far (relative) from the engine's is a finding; the engine's figure stands
DIFFERENCE_TOLERANCE = 0.02


@dataclass(frozen=True, slots=True)
class MetricLine:
    """One metric of the year's set as a return reports it for its period."""

    metric: str
    actual: float | None = None       # the period's value in the metric's unit
    source: str = ENTERED             # ENGINE or ENTERED
    goal: float | None = None         # the plan's goal for the period (filled from the plan)
    lower: float | None = None        # the confidence interval (engine figures of metrics that have one)
    upper: float | None = None
    interval: str = ""                # its method: byar, dobson, wilson, mean
    on_track: bool | None = None      # the area's judgement
    narrative: str = ""


def is_current(programme: ProgrammeYear) -> bool:
    """A year measured by today's metrics (2021-22 on): its returns carry the metrics section."""
    return measured_today((m.code for m in programme.metrics), programme.start.year)


def year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def year_end_periods(programme: ProgrammeYear) -> tuple[str, ...]:
    """The end-of-year returns of a current year: one per financial year ('2023-24', '2024-25')."""
    if not is_current(programme):
        return ()
    return tuple(year_label(y) for y in range(programme.start.year, programme.end.year))


def is_year_end(period: str) -> bool:
    return len(period) == 7 and period[4] == "-" and period[:4].isdigit()


def period_words(period: str) -> str:
    """'2025Q2' as '2025-26 Q2', '2025-26' as '2025-26 end of year' (for messages)."""
    if is_year_end(period):
        return f"{period} {END_OF_YEAR}"
    if len(period) == 6 and period[4] == "Q" and period[:4].isdigit():
        return f"{year_label(int(period[:4]))} {period[4:]}"
    return period


def plan_year_index(programme: ProgrammeYear, period: str) -> int:
    """0 for the plan's first financial year, 1 for the second (two-year plans)."""
    return max(0, int(period[:4]) - programme.start.year)


def period_goal(planned: Sequence[float | None], unit: str, programme: ProgrammeYear, period: str) -> float | None:
    """The plan's goal for ``period`` from its planned values (None when the plan has none for it)."""
    values = list(planned)
    if not values:
        return None
    year = plan_year_index(programme, period)
    years = max(1, len(year_end_periods(programme)))
    if len(values) in (4, 4 * years) and len(values) != years:       # one value per quarter
        first = 4 * year if len(values) == 4 * years else 0           # four values: the same each year
        quarters = values[first:first + 4]
        if is_year_end(period):
            if any(v is None for v in quarters):
                return None
            given = [float(v) for v in quarters if v is not None]
            return sum(given) if unit == "rate_per_100000" else sum(given) / len(given)
        return quarters[int(period[-1]) - 1]
    annual = values[year] if year < len(values) else None
    if annual is None or is_year_end(period):
        return annual
    return annual / 4 if unit == "rate_per_100000" else annual


def plan_goals(plan: Plan | None, programme: ProgrammeYear, period: str) -> dict[str, float | None]:
    """The goal of each metric of the year's set for ``period``, from the plan (None where unset)."""
    planned = {mp.code: mp.planned for mp in plan.metrics} if plan is not None else {}
    return {m.code: period_goal([float(v) if v is not None else None for v in planned.get(m.code, ())],
                                m.unit, programme, period) for m in programme.metrics}


def figure_required(metric: str, period: str) -> bool:
    return is_year_end(period) or metric not in YEAR_END_ONLY


def meets(spec: MetricSpec, actual: float | None, goal: float | None) -> bool | None:
    """The actual on the better side of the goal (None without both)."""
    if actual is None or goal is None:
        return None
    return actual <= goal if spec.improvement == "decrease" else actual >= goal


def validate_metrics(lines: Sequence[MetricLine], programme: ProgrammeYear, period: str) -> list[Finding]:
    """Every finding about a current year's metrics section (fields ``metrics.<code>.<part>``)."""
    found: list[Finding] = []
    specs = {m.code: m for m in programme.metrics}
    seen: set[str] = set()
    for line in lines:
        where = f"metrics.{line.metric}"
        if line.metric not in specs:
            found.append(error("return.metric-unknown", f"'{line.metric}' is not a metric of {programme.name} "
                               f"({', '.join(specs)})", field=where))
            continue
        if line.metric in seen:
            found.append(error("return.metric-duplicate", f"metric {line.metric} is reported more than once",
                               field=where))
        seen.add(line.metric)
        found += _check_line(line, specs[line.metric], period)
    for spec in programme.metrics:
        if spec.code not in seen:
            given = MetricLine(spec.code)
            found += _check_line(given, spec, period)
    return found


def _check_line(line: MetricLine, spec: MetricSpec, period: str) -> list[Finding]:
    found: list[Finding] = []
    where = f"metrics.{spec.code}"
    if line.source not in SOURCES:
        found.append(error("return.metric-source", f"'{line.source}' is not a source of a figure "
                           f"({', '.join(SOURCES)})", field=f"{where}.source"))
    if line.actual is None:
        if figure_required(spec.code, period):
            found.append(error("return.metric-missing", f"give the actual for {spec.name} ({spec.code}) for "
                               f"{period_words(period)}: no figure from person-level data is loaded for it",
                               field=f"{where}.actual"))
    elif not math.isfinite(line.actual) or line.actual < 0 or line.actual > MAX_FIGURE:
        found.append(error("return.metric-range", f"{spec.name}: {line.actual} is not a figure between 0 and "
                           f"{MAX_FIGURE:,.0f}", field=f"{where}.actual"))
    elif spec.unit == "percent" and line.actual > 100:
        found.append(error("return.metric-range", f"{spec.name} is a percentage: {line.actual} is over 100",
                           field=f"{where}.actual"))
    if line.on_track is None:
        found.append(error("return.metric-on-track", f"say whether {spec.name} ({spec.code}) is on track to meet "
                           "its goal", field=f"{where}.on_track"))
    elif line.on_track is False and not line.narrative.strip():
        found.append(error("return.metric-narrative", f"{spec.name} is not on track: say why and what is being done",
                           field=f"{where}.narrative"))
    if len(line.narrative) > MAX_NARRATIVE:
        found.append(error("return.metric-narrative-length", f"the narrative is longer than {MAX_NARRATIVE:,} "
                           "characters", field=f"{where}.narrative"))
    if line.on_track is True and meets(spec, line.actual, line.goal) is False:
        found.append(warning("return.metric-behind-goal", f"{spec.name} is said to be on track, but the actual "
                             f"{line.actual:,.2f} is on the wrong side of the goal {line.goal:,.2f} for "
                             f"{period_words(period)}", field=f"{where}.on_track"))
    return found


def differs(engine: float, entered: float) -> bool:
    """An entered figure further than the tolerance from the engine's."""
    return abs(engine - entered) > DIFFERENCE_TOLERANCE * max(abs(engine), 1e-9)
