"""One evidence report: the CLI, the demo and the web all call services.evaluation.build_evidence,
and none of them assembles the report from evaluation/ itself (issue 17)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from carepool.errors import InputError
from carepool.services import evaluation

SRC = Path(__file__).resolve().parents[2] / "src" / "carepool"
ASSEMBLERS = {"build_report", "national_evaluation"}
CALLERS = [SRC / "cli" / "evaluate.py", SRC / "demo" / "evaluation_step.py", SRC / "services" / "evaluation.py",
           SRC / "web" / "pages_reports.py"]


def _called_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return names


def test_only_the_service_assembles_the_evidence_report() -> None:
    checked = 0
    for path in CALLERS:
        called = _called_names(path)
        if path.parent.name == "services":
            assert called >= ASSEMBLERS, "the service is where the report is assembled"
        else:
            assert not (called & ASSEMBLERS), f"{path.name} assembles the report itself: {called & ASSEMBLERS}"
            assert called & {"build_evidence", "evidence_report"}, f"{path.name} does not call the service"
        checked += 1
    assert checked == len(CALLERS)


def test_dose_file_errors_name_the_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "doses.csv"
    bad.write_text("area_code,dose\nE09000002,0.2\nE09000003,1.7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3: dose 1.7 is not a share") as err:
        evaluation.read_doses(bad)
    assert str(bad) in str(err.value)
    plans = tmp_path / "plans.csv"
    plans.write_text("area_code,planned_reduction\nE09000002,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        evaluation.read_planned_changes(plans)
