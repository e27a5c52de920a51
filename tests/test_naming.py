"""One name for generated data: "synthetic". The words it replaced stay retired (issue 17).

Generated data used to be called five things (sample, synth, synthetic, generate, cohort), so a
reader could not tell that ``plans/sample.py`` and ``activity/synth.py`` do the same kind of job.
Modules and the public functions and classes of ``src/carepool`` may not bring the old words back.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "carepool"
RETIRED = {"sample", "samples", "synth", "generate", "generated", "generator", "cohort", "cohorts"}
# Where a retired word names something else, say what, here.
KEPT = {
    "budgets/cohorts.py": "the four published IPC cohort definitions (data), not generated people",
    "cli/budgets.py:cohorts_cmd": "`carepool budgets cohorts` lists those definitions",
}


def _words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return {w for w in spaced.split("_") if w}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_or_package_uses_a_retired_word() -> None:
    paths = _modules()
    assert len(paths) > 100, "the walk found too few modules to mean anything"
    bad = []
    for path in paths:
        rel = path.relative_to(SRC).as_posix()
        if rel in KEPT:
            continue
        for part in path.relative_to(SRC).with_suffix("").parts:
            if _words(part) & RETIRED:
                bad.append(rel)
    assert bad == [], f"generated data is called 'synthetic' (tests/test_naming.py): rename {bad}"


def test_no_public_function_or_class_uses_a_retired_word() -> None:
    bad, seen = [], 0
    for path in _modules():
        rel = path.relative_to(SRC).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                seen += 1
                where = f"{rel}:{node.name}"
                if node.name.startswith("_") or rel in KEPT or where in KEPT:
                    continue
                if _words(node.name) & RETIRED:
                    bad.append(where)
    assert seen > 500, "too few definitions were read to mean anything"
    assert bad == [], f"generated data is called 'synthetic' (tests/test_naming.py): rename {bad}"


def test_the_check_catches_each_old_name() -> None:
    old = ["plans/sample.py", "activity/synth_spells.py", "budgets/generate.py", "services/budget_cohort.py",
           "SynthResult", "sample_plan_2023", "generate_cohort_year"]
    assert all(_words(Path(name).stem) & RETIRED for name in old)
    assert not _words("synthetic_writer") & RETIRED and not _words("SyntheticResult") & RETIRED
