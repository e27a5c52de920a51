"""Evaluation of the fund: panels, planned versus actual, and one estimator per module.

Designs (each validates its input and returns a small frozen result with ``summary()`` and
``to_frame()``, see ``results.EffectTable``; their choices and defaults are written once in ``choices``):

- ``scm.synthetic_control``          synthetic control with placebo inference (``simplex``: its solver)
- ``did.callaway_santanna``          staggered-adoption DiD: ATT(g,t) and aggregations
- ``its.interrupted_time_series``    segmented regression, count families, HAC errors, controlled
- ``planned_vs_actual``              the NAO-style planned versus actual table from real series
- ``national.national_evaluation``   all designs on the real area x month series (``series``)
- ``report.build_report``            the HTML evidence report and its rule-based verdict (``svg``)
"""

from carepool.evaluation.did import DidResult, GroupTimeATT, aggregate, att_gt, callaway_santanna
from carepool.evaluation.its import ItsResult, interrupted_time_series, its_from_table
from carepool.evaluation.national import MetricEvaluation, NationalEvaluation, national_evaluation
from carepool.evaluation.panel import Panel, build_panel
from carepool.evaluation.planned_vs_actual import (
    Actuals,
    PlannedChange,
    PlannedVsActual,
    UnitCosts,
    actual_changes,
    planned_vs_actual,
)
from carepool.evaluation.real_panels import RealSeries, real_series
from carepool.evaluation.report import DecisionRule, EvidenceReport, Verdict, build_report, decide
from carepool.evaluation.results import Estimate, PeriodEffect, to_jsonable
from carepool.evaluation.scm import Predictor, SyntheticControlResult, UnitFit, synthetic_control

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
