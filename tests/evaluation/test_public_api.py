"""The evaluation package's public surface is explicit and pinned."""

from __future__ import annotations

import carepool.evaluation as evaluation


def test_exported_names_are_pinned() -> None:
    assert sorted(evaluation.__all__) == sorted([
        "Actuals", "DecisionRule", "DidResult", "Estimate", "EvidenceReport", "GroupTimeATT",
        "ItsResult", "MetricEvaluation", "NationalEvaluation", "Panel", "PeriodEffect", "PlannedChange",
        "PlannedVsActual", "Predictor", "RealSeries", "SyntheticControlResult", "UnitCosts", "UnitFit",
        "Verdict", "actual_changes", "aggregate", "att_gt", "build_panel", "build_report",
        "callaway_santanna", "decide", "interrupted_time_series", "its_from_table",
        "national_evaluation", "planned_vs_actual", "real_series", "synthetic_control", "to_jsonable",
    ])
    for name in evaluation.__all__:
        assert getattr(evaluation, name) is not None


def test_every_design_module_is_described_in_the_package_docstring() -> None:
    doc = evaluation.__doc__ or ""
    for module in ("scm", "simplex", "did", "its", "planned_vs_actual", "national", "series", "report", "svg"):
        assert module in doc, module


def test_no_exported_name_is_shadowed_by_a_submodule_of_the_same_name() -> None:
    """Importing a submodule binds its name on the package: ``planned_vs_actual`` the module must not
    hide ``planned_vs_actual`` the function, whatever was imported first (names load lazily)."""
    import subprocess
    import sys

    code = ("import importlib, pkgutil, types\n"
            "import carepool.evaluation as e\n"
            "for m in pkgutil.iter_modules(e.__path__):\n"
            "    importlib.import_module('carepool.evaluation.' + m.name)\n"
            "print(','.join(n for n in e.__all__ if isinstance(getattr(e, n), types.ModuleType)))")
    shadowed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shadowed.strip() == ""
