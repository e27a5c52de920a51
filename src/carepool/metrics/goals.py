"""A plan's goal for each metric against the actual the metrics engine measured, with the SPC
assurance icon: will the area's monthly process meet its goal?

Goals are written per year (or per quarter) in the plan's own unit. The engine's monthly rates
per 100,000 are per month (not annualised), so a yearly goal of G per 100,000 is a monthly
target of G / 12 (a quarterly goal: G / 3); percentages and days compare as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.metrics.spc import Improvement, SpcOptions, xmr
from carepool.plans.model import MetricPlan


@dataclass(frozen=True, slots=True)
class GoalRow:
    """One metric of one area: the goal, the year's actual, and what the process says."""

    metric: str
    name: str
    unit: str
    goal: float | None            # the plan's goal for the year (its planned values combined)
    actual: float | None          # the engine's value for the financial year
    met: bool | None              # actual on the better side of the goal (None without both)
    variation: str                # SPC variation icon of the monthly series ("" with under 2 months)
    assurance: str                # SPC assurance icon against the monthly target ("" without a goal)
    months: int


def year_goal(planned: Sequence[float], unit: str) -> float:
    """The year's goal from its planned values: quarterly rates add up to a year; shares and
    averages are averaged; a single annual value is itself."""
    return sum(planned) if unit == "rate_per_100000" else sum(planned) / len(planned)


def monthly_target(goal: float, unit: str) -> float:
    """The year's goal on the monthly series' scale: a rate per 100,000 a year is G / 12 a month."""
    return goal / 12 if unit == "rate_per_100000" else goal


def goal_rows(plan_metrics: Sequence[MetricPlan], specs: Mapping[str, tuple[str, str, str]],
              yearly: Mapping[str, float | None],
              monthly: Mapping[str, Sequence[tuple[date, float]]]) -> list[GoalRow]:
    """``specs``: metric -> (name, unit, improvement 'increase'/'decrease'); ``yearly``: the engine's
    year value per metric; ``monthly``: its monthly values per metric (in date order)."""
    rows: list[GoalRow] = []
    for mp in plan_metrics:
        if mp.code not in specs:
            continue
        name, unit, direction = specs[mp.code]
        planned = [float(p) for p in mp.planned if p is not None]
        goal = year_goal(planned, unit) if planned and len(planned) == len(mp.planned) else None
        actual = yearly.get(mp.code)
        better = Improvement.DECREASE if direction == "decrease" else Improvement.INCREASE
        met = None if goal is None or actual is None else (
            actual <= goal if better is Improvement.DECREASE else actual >= goal)
        series = list(monthly.get(mp.code, ()))
        variation = assurance = ""
        if len(series) >= 2:
            target = monthly_target(goal, unit) if goal is not None else None
            result = xmr([d for d, _ in series], [v for _, v in series],
                         SpcOptions(improvement=better, target=target))
            variation = result.variation.value
            assurance = result.assurance.value if result.assurance is not None else ""
        rows.append(GoalRow(mp.code, name, unit, goal, actual, met, variation, assurance, len(series)))
    return rows
