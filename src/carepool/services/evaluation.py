"""Evaluation use cases for the web service: the national evidence report and one area's results.

- ``evidence_report(store, year)``: the evaluation's self-contained HTML evidence report, built
  from the real published series and the store's assured plans, cached per store until a plan
  changes (the cache key is the store's highest plan-event id, as the dashboard's).
- ``area_effects(code)``: the same interrupted time series design the report runs on England
  (negative binomial, month dummies, level and slope change at April 2015, latent-AR(1) errors),
  run on one area's real monthly series of emergency admissions and delayed days. It depends
  only on the shipped published files, so each area is computed on first request and kept for
  the life of the process (at most one entry per HWB area).
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.engine import Engine

from carepool.evaluation import (
    DecisionRule,
    Estimate,
    ItsResult,
    PlannedChange,
    RealSeries,
    build_report,
    interrupted_time_series,
    national_evaluation,
    planned_vs_actual,
    real_series,
)
from carepool.evaluation.national import FUND_START
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import in_force
from carepool.services.dashboard import store_version
from carepool.store.db import Store


# the evidence report, generated on request and cached until the plans change --------------------
@dataclass(frozen=True)
class Evidence:
    html: str
    verdict: str
    plans: int            # assured plans whose planned side the report compares with the real series


_reports: weakref.WeakKeyDictionary[Engine, dict[str, tuple[int, Evidence]]] = weakref.WeakKeyDictionary()
_report_lock = threading.Lock()


def evidence_report(store: Store, year: str) -> Evidence:
    """The evaluation's HTML evidence report from the real published series.

    The England interrupted time series (real data) decides the verdict by the pre-registered
    rule; the planned side is the store's assured plans for ``year`` (said to be illustrative
    when they are). The dose designs need a dose per area, which the store does not hold, so
    they are left out (the report says so). Built once per store until a plan changes.
    """
    programme = load_programme(year)
    with _report_lock:   # one build at a time: a burst of requests waits for the first
        events = store_version(store)[0]
        hit = _reports.get(store.engine, {}).get(programme.id)
        if hit is not None and hit[0] == events:
            return hit[1]
        assured = [r.plan for r in in_force.records_in_force(store, programme.id).values()]
        changes = [PlannedChange(p.area_code, p.ambition.planned_reduction, p.ambition.delayed_days_reduction)
                   for p in assured]
        planned = planned_vs_actual(changes) if changes else None
        basis = "none: no plan is assured yet"
        if assured:
            basis = f"the {len(assured)} assured plan(s) in this store for {programme.id}"
            if any(p.illustrative for p in assured):
                basis += " (illustrative)"
        report = build_report(national_evaluation(None), DecisionRule(), planned, basis)
        evidence = Evidence(report.html, report.verdict.decision, len(assured))
        _reports.setdefault(store.engine, {})[programme.id] = (events, evidence)
        return evidence


# one area's interrupted time series on the real series, once per area per process -------------
AREA_METRICS = {"emergency_admissions": "Emergency admissions (BCF1)",
                "delayed_days": "Delayed transfer of care days (BCF4)"}
WINDOW_MONTHS = 12          # the change is summed over the fund's first year, as the report's rule does
FELL, ROSE, UNCLEAR = "fell", "rose", "no clear change"


@dataclass(frozen=True)
class AreaEffect:
    """One metric's interrupted time series for one area, and what it means in counts.

    ``rate_ratio`` is the level change at April 2015 as a ratio (below 1: fewer than the
    pre-2015 trend and season predict), with its 95% interval. ``change`` is that level change
    applied to the counterfactual of the first ``WINDOW_MONTHS`` months (as the evidence
    report's decision rule does for England), and ``change_low`` / ``change_high`` the same at
    the interval's ends (negative: fewer than expected).
    """

    metric: str
    name: str
    first: str
    last: str
    start: str
    rate_ratio: Estimate
    slope_change: Estimate
    change: float
    change_low: float
    change_high: float
    reading: str            # FELL, ROSE or UNCLEAR, by the 95% interval of the rate ratio
    its: ItsResult


@lru_cache(maxsize=len(AREA_METRICS))
def _series(metric: str) -> RealSeries:
    return real_series(metric)          # the same window as the national evaluation


def _effect(metric: str, series: RealSeries, code: str) -> AreaEffect | None:
    panel = series.panel
    if code not in panel.units:
        return None                     # an unreadable month in the window: left out, never filled in
    its = interrupted_time_series(panel.periods, panel.outcome[panel.index_of_unit(code)], FUND_START,
                                  outcome=metric, family="negbin", seasonality="month")
    rr = its.rate_ratio
    if rr is None or rr.ci_low is None or rr.ci_high is None:
        return None
    s = its.periods.index(its.start)
    base = float(sum(its.counterfactual[s:s + WINDOW_MONTHS]))
    reading = FELL if rr.ci_high < 1 else ROSE if rr.ci_low > 1 else UNCLEAR
    return AreaEffect(metric, AREA_METRICS[metric], str(panel.periods[0]), str(panel.periods[-1]),
                      str(its.start), rr, its.slope_change, base * (rr.effect - 1), base * (rr.ci_low - 1),
                      base * (rr.ci_high - 1), reading, its)


@lru_cache(maxsize=256)
def _area_effects(code: str) -> tuple[AreaEffect, ...]:
    found = (_effect(metric, _series(metric), code) for metric in AREA_METRICS)
    return tuple(e for e in found if e is not None and math.isfinite(e.change))


def area_effects(code: str) -> tuple[AreaEffect, ...]:
    """Interrupted time series of the area's real emergency admissions and delayed days.

    An area whose series has an unreadable month in the window gets no result for that metric.
    Every area pooled from April 2015, so this says whether the area's series changed then, not
    that the fund caused it (the page says so).
    """
    area = load_reference().area(code)       # NotFound for an unknown code: the cache holds only real areas
    return _area_effects(area.code)
