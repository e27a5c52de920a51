"""Evaluation of the fund: panels, planned versus actual, and one estimator per module.

Designs (each validates its input and returns a small frozen result with ``summary()`` and
``to_frame()``, see ``results.EffectTable``; their choices and defaults are written once in ``choices``):

- ``scm.synthetic_control``          synthetic control with placebo inference (``simplex``: its solver)
- ``did.callaway_santanna``          staggered-adoption DiD: ATT(g,t) and aggregations
- ``its.interrupted_time_series``    segmented regression, count families, HAC errors, controlled
- ``planned_vs_actual``              the NAO-style planned versus actual table from real series
- ``national.national_evaluation``   all designs on the real area x month series (``series``)
- ``report.build_report``            the HTML evidence report and its rule-based verdict (``svg``)

The names below load their module on first use (PEP 562): the estimators pull in statsmodels and
scipy, which a command that only needs ``choices`` (every ``carepool`` invocation) should not pay for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# light (no statistics libraries), and loaded now because its module has the same name as its function:
# once anything imports the submodule, the package's attribute would otherwise be the module
from carepool.evaluation.planned_vs_actual import (
    Actuals,
    PlannedChange,
    PlannedVsActual,
    UnitCosts,
    actual_changes,
    planned_vs_actual,
)

if TYPE_CHECKING:
    from carepool.evaluation.did import DidResult, GroupTimeATT, aggregate, att_gt, callaway_santanna
    from carepool.evaluation.its import ItsResult, interrupted_time_series, its_from_table
    from carepool.evaluation.national import MetricEvaluation, NationalEvaluation, national_evaluation
    from carepool.evaluation.panel import Panel, build_panel
    from carepool.evaluation.real_panels import RealSeries, real_series
    from carepool.evaluation.report import DecisionRule, EvidenceReport, Verdict, build_report, decide
    from carepool.evaluation.results import Estimate, PeriodEffect, to_jsonable
    from carepool.evaluation.scm import Predictor, SyntheticControlResult, UnitFit, synthetic_control

_WHERE = {
    "DecisionRule": "carepool.evaluation.report",
    "DidResult": "carepool.evaluation.did",
    "Estimate": "carepool.evaluation.results",
    "EvidenceReport": "carepool.evaluation.report",
    "GroupTimeATT": "carepool.evaluation.did",
    "ItsResult": "carepool.evaluation.its",
    "MetricEvaluation": "carepool.evaluation.national",
    "NationalEvaluation": "carepool.evaluation.national",
    "Panel": "carepool.evaluation.panel",
    "PeriodEffect": "carepool.evaluation.results",
    "Predictor": "carepool.evaluation.scm",
    "RealSeries": "carepool.evaluation.real_panels",
    "SyntheticControlResult": "carepool.evaluation.scm",
    "UnitFit": "carepool.evaluation.scm",
    "Verdict": "carepool.evaluation.report",
    "aggregate": "carepool.evaluation.did",
    "att_gt": "carepool.evaluation.did",
    "build_panel": "carepool.evaluation.panel",
    "build_report": "carepool.evaluation.report",
    "callaway_santanna": "carepool.evaluation.did",
    "decide": "carepool.evaluation.report",
    "interrupted_time_series": "carepool.evaluation.its",
    "its_from_table": "carepool.evaluation.its",
    "national_evaluation": "carepool.evaluation.national",
    "real_series": "carepool.evaluation.real_panels",
    "synthetic_control": "carepool.evaluation.scm",
    "to_jsonable": "carepool.evaluation.results",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value           # once loaded, an ordinary attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Actuals",
    "DecisionRule",
    "DidResult",
    "Estimate",
    "EvidenceReport",
    "GroupTimeATT",
    "ItsResult",
    "MetricEvaluation",
    "NationalEvaluation",
    "Panel",
    "PeriodEffect",
    "PlannedChange",
    "PlannedVsActual",
    "Predictor",
    "RealSeries",
    "SyntheticControlResult",
    "UnitCosts",
    "UnitFit",
    "Verdict",
    "actual_changes",
    "aggregate",
    "att_gt",
    "build_panel",
    "build_report",
    "callaway_santanna",
    "decide",
    "interrupted_time_series",
    "its_from_table",
    "national_evaluation",
    "planned_vs_actual",
    "real_series",
    "synthetic_control",
    "to_jsonable",
]
