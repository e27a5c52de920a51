"""Evaluation use cases: the national evidence report (built once, here, for the CLI, the demo
and the web) and one area's results.

- ``build_evidence(request)``: the evidence report from the real published series, with the
  optional real exposures (pioneers, vanguards, discharge fund), an optional dose contrast
  (illustrative doses stay a labelled demonstration, never the verdict) and an optional
  planned side. ``carepool evaluate report``, the demo and ``/evidence`` all call it.
- ``evidence_report(store, year, workers)``: the same for the web, with the store's plans in
  force as the planned side, kept in the store's cache until a version is assured (the only
  change to a plan in force), built in a worker process when the app gives one.
- ``read_doses`` / ``read_planned_changes``: the analyst's CSV inputs, with located errors.
- ``area_effects(code)``: the same interrupted time series design the report runs on England
  (negative binomial, month dummies, level and slope change at April 2015, latent-AR(1) errors),
  run on one area's real monthly series of emergency admissions and delayed days. It depends
  only on the shipped published files, so each area is computed on first request and kept for
  the life of the process (at most one entry per HWB area).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from carepool.engines.sitrep import evaluation_series
from carepool.errors import InputError
from carepool.evaluation import (
    DecisionRule,
    Estimate,
    EvidenceReport,
    ItsResult,
    PlannedChange,
    RealSeries,
    build_report,
    interrupted_time_series,
    national_evaluation,
    planned_vs_actual,
    real_series,
)
from carepool.evaluation.exposures import ExposureEvaluation, evaluate_exposure
from carepool.evaluation.national import FUND_START
from carepool.evaluation.panel import read_table
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.reference.exposures import EXPOSURES, load_exposure
from carepool.services import in_force, view_keys
from carepool.services.workers import Workers
from carepool.store.db import Store

# the evidence report: one builder for every caller ------------------------------------------------
EXPOSURE_NAMES: tuple[str, ...] = tuple(EXPOSURES)


@dataclass(frozen=True)
class ReportRequest:
    """What goes into one evidence report; every part is optional but the England series.

    ``doses`` (share pooled per area) drive the dose-contrast designs; they are described by
    ``doses_basis`` wherever shown and never enter the verdict. ``planned`` is the planned side
    of the NAO-style table, described by ``plans_basis``.
    """

    rule: DecisionRule = field(default_factory=DecisionRule)
    doses: Mapping[str, float] | None = None
    doses_basis: str = "none"
    planned: Sequence[PlannedChange] = ()
    plans_basis: str = "none"
    exposures: Sequence[str] = EXPOSURE_NAMES


def build_evidence(request: ReportRequest) -> EvidenceReport:
    """The evidence report and its verdict (the England ITS by the pre-registered rule), with the
    real exposures' designs beside it."""
    evaluation = national_evaluation(request.doses, doses_basis=request.doses_basis)
    planned = planned_vs_actual(list(request.planned)) if request.planned else None
    exposures = [real_exposure(name) for name in request.exposures]
    return build_report(evaluation, request.rule, planned, request.plans_basis, exposures)


@lru_cache(maxsize=len(EXPOSURE_NAMES))
def real_exposure(name: str) -> ExposureEvaluation:
    """One real exposure's designs on the real series (shipped files only: kept per process)."""
    if name not in EXPOSURE_NAMES:
        raise InputError(f"exposure must be one of {', '.join(EXPOSURE_NAMES)}, not '{name}'")
    if name == "discharge-fund":
        return evaluate_exposure(name, sitrep=evaluation_series("do_not_meet_criteria_to_reside"))
    return evaluate_exposure(name)


@dataclass(frozen=True)
class ExposureSummary:
    name: str
    file: str
    rows: int
    units: str
    starts: str
    sources: int
    published_findings: int


def list_exposures() -> list[ExposureSummary]:
    """The real exposures shipped as reference data (validated on reading), for listing."""
    out = []
    for name in EXPOSURE_NAMES:
        e = load_exposure(name)
        rows = e.sites or e.funds
        starts = sorted({s.start_month for s in e.sites} | {f.start_month for f in e.funds})
        units = (f"{len(e.touched_areas())} HWB areas ({len(e.start_by_area()[0])} wholly in a site)" if e.sites
                 else f"{len(e.funds)} amounts ({sum(f.amount_pence is None for f in e.funds)} unpublished)")
        sources = {s.source_url for s in e.sites} | {f.source_url for f in e.funds}
        out.append(ExposureSummary(name, e.file, len(rows), units, ", ".join(starts), len(sources),
                                   len(e.findings)))
    return out


def read_doses(path: str | Path) -> dict[str, float]:
    """CSV of ``area_code, dose`` (share pooled, 0-1); errors name the file and row."""
    frame = read_table(path)
    missing = [c for c in ("area_code", "dose") if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", where=str(path))
    out: dict[str, float] = {}
    for i, row in enumerate(frame.to_dict("records"), start=2):
        try:
            value = float(row["dose"])
        except ValueError:
            raise InputError(f"row {i}: dose '{row['dose']}' is not a number", where=str(path)) from None
        if not 0 <= value <= 1:
            raise InputError(f"row {i}: dose {value} is not a share between 0 and 1", where=str(path))
        out[row["area_code"].strip()] = value
    return out


def read_planned_changes(path: str | Path) -> list[PlannedChange]:
    """CSV of ``area_code, planned_reduction, delayed_days_reduction`` (whole numbers)."""
    frame = read_table(path)
    need = ["area_code", "planned_reduction", "delayed_days_reduction"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", where=str(path))
    out = []
    for i, row in enumerate(frame.to_dict("records"), start=2):
        try:
            out.append(PlannedChange(row["area_code"].strip(), int(row["planned_reduction"]),
                                     int(row["delayed_days_reduction"])))
        except ValueError:
            raise InputError(f"row {i}: reductions must be whole numbers", where=str(path)) from None
    return out


# the web's report, cached until the plans change --------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    html: str
    verdict: str
    plans: int            # assured plans whose planned side the report compares with the real series
    built_by: int = 0     # the id of the process that built it (a worker's, when the web built it)


EVIDENCE_CACHE = "evaluation.evidence"   # store.caches entry: one report per year, until a version is assured


def evidence_report(store: Store, year: str, workers: Workers | None = None) -> Evidence:
    """The evaluation's HTML evidence report from the real published series.

    The England interrupted time series (real data) decides the verdict by the pre-registered
    rule; the planned side is the store's plans in force for ``year`` (said to be illustrative
    when they are). The store holds no dose per area, so the dose designs are left out (the
    report says so). Kept in the store's cache until a version is assured (the only change to a
    plan in force; drafts, sign-offs and postings leave the report as it is); a burst of
    requests after that waits for one build. With ``workers`` the build runs in a worker process
    (seconds of CPU that would otherwise hold this process's interpreter lock).
    """
    programme = load_programme(year)
    version = view_keys.in_force_version(store, programme.id)
    return store.caches.named(EVIDENCE_CACHE, max_entries=16).get(
        programme.id, version, lambda: _build_web_report(store, programme.id, workers))


def _build_web_report(store: Store, year: str, workers: Workers | None) -> Evidence:
    in_force_now = [r.plan for r in in_force.records_in_force(store, year).values()]
    changes = tuple(PlannedChange(p.area_code, p.ambition.planned_reduction, p.ambition.delayed_days_reduction)
                    for p in in_force_now)
    basis = "none: no plan is assured yet"
    if in_force_now:
        basis = f"the {len(in_force_now)} assured plan(s) in this store for {year}"
        if any(p.illustrative for p in in_force_now):
            basis += " (illustrative)"
    if workers is None:
        html, verdict, pid = planned_side_report(changes, basis)
    else:
        html, verdict, pid = workers.call(planned_side_report, changes, basis)
    return Evidence(html, verdict, len(in_force_now), pid)


def planned_side_report(changes: tuple[PlannedChange, ...], basis: str) -> tuple[str, str, int]:
    """(HTML, verdict, the id of the process that built it): the report with ``changes`` as its planned
    side. Plain data in and out, so a worker process can run it."""
    report = build_evidence(ReportRequest(planned=changes, plans_basis=basis))
    return report.html, report.verdict.decision, os.getpid()


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
