"""Scorecard evidence from plain records: plans and their statuses, returns, spend, SPC results,
evaluation estimates and personal-budget outcomes. Works today from a list of plans and
statuses; the lead feeds the real store and metrics records through the same records later.

Standard errors: a proportion of n events gets the binomial sqrt(p(1-p)/n) (with a floor of
1/(2n), so a perfect record is not treated as certain); SPC signal rates use a Poisson
approximation; spend against plan takes the error the caller states.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.errors import InputError
from carepool.metrics.spc import PointType, SpcResult
from carepool.plans.model import Plan
from carepool.scorecard.method import AreaEvidence, Indicator, Method


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """What is known about an area's plan and its returns (plain data)."""

    area_code: str
    status: str                      # lifecycle status: draft, submitted, assured, ...
    outcome: str | None = None       # assurance outcome when assured
    submitted_on: date | None = None
    deadline: date | None = None
    returns_due: int = 0
    returns_on_time: int = 0
    spend_actual_pence: int | None = None
    spend_planned_pence: int | None = None   # the plan's spend for the same span (default: its schemes total)
    spend_se: float = 0.02           # uncertainty of the spend ratio (e.g. unaudited returns)


@dataclass(frozen=True, slots=True)
class SpcEvidence:
    improvement: int                 # points flagged special-cause improvement
    concern: int                     # points flagged special-cause concern
    points: int


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float
    se: float


def proportion(successes: int, n: int) -> Indicator | None:
    if n <= 0:
        return None
    p = successes / n
    return Indicator(p, max(math.sqrt(p * (1 - p) / n), 1 / (2 * n)))


def spc_evidence(results: Sequence[SpcResult]) -> SpcEvidence:
    """Count improvement and concern signals over an area's metric charts."""
    points = [p for r in results for p in r.points]
    return SpcEvidence(sum(p.point_type is PointType.IMPROVEMENT for p in points),
                       sum(p.point_type is PointType.CONCERN for p in points), len(points))


def spc_indicator(spc: SpcEvidence) -> Indicator | None:
    if spc.points <= 0:
        return None
    net = (spc.improvement - spc.concern) / spc.points
    return Indicator(net, math.sqrt(max(spc.improvement + spc.concern, 1)) / spc.points)


def evidence_from_plans(
    plans: Sequence[Plan], statuses: Mapping[str, PlanStatus], method: Method, *,
    spc: Mapping[str, SpcEvidence] | None = None, evaluation: Mapping[str, Estimate] | None = None,
    personal_budgets: Mapping[str, tuple[int, int]] | None = None,
) -> list[AreaEvidence]:
    """One record per plan; evidence that is not supplied is missing (None), never invented."""
    out: list[AreaEvidence] = []
    for plan in plans:
        st = statuses.get(plan.area_code)
        ind: dict[str, Indicator | None] = dict.fromkeys((s.id for s in method.indicators), None)
        if st is not None:
            ind["plan_assured"] = _assured(st, method)
            if st.submitted_on is not None and st.deadline is not None:
                ind["plan_on_time"] = Indicator(1.0 if st.submitted_on <= st.deadline else 0.0, 0.0)
            ind["returns_on_time"] = proportion(st.returns_on_time, st.returns_due)
            planned = st.spend_planned_pence if st.spend_planned_pence is not None else plan.schemes_total.pence
            if st.spend_actual_pence is not None and planned > 0:
                ind["spend_vs_plan"] = Indicator(st.spend_actual_pence / planned, st.spend_se)
        if spc and plan.area_code in spc:
            ind["metric_spc"] = spc_indicator(spc[plan.area_code])
        if evaluation and plan.area_code in evaluation:
            est = evaluation[plan.area_code]
            ind["evaluation"] = Indicator(est.value, est.se)
        if personal_budgets and plan.area_code in personal_budgets:
            within, n = personal_budgets[plan.area_code]
            ind["personal_budgets"] = proportion(within, n)
        out.append(AreaEvidence(plan.area_code, ind))
    return out


def _assured(st: PlanStatus, method: Method) -> Indicator:
    if st.status == "assured" and st.outcome is not None:
        return Indicator(method.outcome_scores.get(st.outcome, 0.0), 0.0)
    return Indicator(0.0, 0.0)   # not (yet) assured: no credit


def evidence_from_rows(rows: Sequence[Mapping[str, str]], method: Method) -> list[AreaEvidence]:
    """Evidence from CSV-like rows: ``area_code``, then per indicator ``<id>`` and optional ``<id>_se``.

    An empty cell means the evidence is missing; a cell that is not a number is an error.
    """
    out: list[AreaEvidence] = []
    for n, row in enumerate(rows, start=2):
        code = (row.get("area_code") or "").strip()
        if not code:
            raise InputError("every row needs an area_code", where=f"row {n}")
        ind: dict[str, Indicator | None] = {}
        for spec in method.indicators:
            raw = (row.get(spec.id) or "").strip()
            se = (row.get(f"{spec.id}_se") or "").strip()
            try:
                ind[spec.id] = Indicator(float(raw), float(se) if se else 0.0) if raw else None
            except ValueError:
                raise InputError(f"'{spec.id}' must be a number, got {raw!r}", where=f"row {n}") from None
        out.append(AreaEvidence(code, ind))
    return out
