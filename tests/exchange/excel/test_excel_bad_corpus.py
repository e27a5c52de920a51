"""The bad-input corpus: each broken file gets a finding that names its place.

Findings are gathered as the CLI will: read the workbook, and when it yields a plan,
validate it and locate the validation findings on the workbook's cells.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from carepool.exchange.excel import locate, read_and_validate
from carepool.exchange.excel.reader import WorkbookRead
from carepool.findings import Finding, Severity, has_errors
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.validate import validate_plan
from carepool.programme import load_programme
from carepool.reference import ReferenceData

from .conftest import FIXTURES

BAD = FIXTURES / "bad"
MANIFEST: dict[str, Any] = yaml.safe_load((BAD / "manifest.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = MANIFEST["cases"]
REQUIRED = {
    "missing-sheet-schemes", "text-in-money", "negative-amount", "absurd-amount", "unknown-area", "unknown-ccg",
    "duplicate-scheme", "formula-in-money", "merged-cells", "empty-file", "not-excel-png", "truncated-zip",
    "csv-renamed", "wrong-year", "missing-column", "blank-required", "bad-yes-no", "date-not-a-date",
    "performance-sum-mismatch", "schemes-not-adding-up", "ccg-minimum-not-met", "missing-condition-narrative",
    "unknown-stream", "pool-does-not-exist", "host-not-partner", "quarterly-value-missing", "hidden-sheet-tampering",
    "ok-number-as-text", "password-protected", "another-template",
}


def base_plan(ref: ReferenceData) -> Plan:
    b = MANIFEST["base"]
    return synthetic_plan(b["area"], load_programme(b["year"]), ref, seed=b["seed"], second_pool=b["second_pool"],
                       local_topup=Money(b["local_topup_pence"]), signed=b["signed"])


def all_findings(path: Path, ref: ReferenceData) -> tuple[WorkbookRead, list[Finding]]:
    """As the CLI will: read, and when there is a plan, validate it and locate the findings."""
    read, found = read_and_validate(path, ref=ref)
    if read.plan is not None and read.year is not None:   # the helper is the documented sequence
        expected = read.findings + locate(validate_plan(read.plan, read.year, ref), read.cells, path.name)
        assert found == expected
    return read, found


def test_the_corpus_has_at_least_30_broken_inputs_covering_each_required_kind() -> None:
    names = {c["file"].split("-", 1)[1].removesuffix(".xlsx") for c in CASES}
    assert names >= REQUIRED, REQUIRED - names
    assert sum(1 for c in CASES if c["rule"] is not None) >= 30
    assert sorted(p.name for p in BAD.glob("*.xlsx")) == sorted(c["file"] for c in CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c["rule"] is not None], ids=lambda c: c["file"])
def test_each_broken_input_is_reported_at_its_place(case: dict[str, Any], ref: ReferenceData) -> None:
    path = BAD / case["file"]
    read, found = all_findings(path, ref)
    matching = [f for f in found if f.rule == case["rule"] and case["message"] in f.message]
    assert matching, f"no {case['rule']} finding containing {case['message']!r}: {[str(f) for f in found]}"
    placed = [f for f in matching if (f.location.sheet, f.location.cell) == (case["sheet"], case["cell"])]
    assert placed, f"{case['rule']} not at {case['sheet']}!{case['cell']}: {[str(f) for f in matching]}"
    text = str(placed[0])
    assert case["file"] in text
    if case["sheet"]:
        assert f"sheet '{case['sheet']}'" in text
    if case["cell"]:
        assert f"cell {case['cell']}" in text
    assert has_errors(found) or case["rule"] == "XL-LISTS"
    assert all(f.location.file == case["file"] for f in found)
    assert all(f.location.sheet for f in found if f.rule != "XL-FILE"), [str(f) for f in found]
    assert read.plan is None or all(f.rule[:3] != "XL-" or f.severity is not Severity.ERROR for f in read.findings)


@pytest.mark.parametrize("case", [c for c in CASES if c["rule"] is None], ids=lambda c: c["file"])
def test_positive_controls_read_as_the_valid_plan(case: dict[str, Any], ref: ReferenceData) -> None:
    read, found = all_findings(BAD / case["file"], ref)
    assert not has_errors(found), [str(f) for f in found]
    assert read.plan == base_plan(ref)


def test_the_good_workbook_reads_back_as_its_plan_and_validates(ref: ReferenceData) -> None:
    read, found = all_findings(FIXTURES / MANIFEST["good"], ref)
    assert read.plan == base_plan(ref)
    assert not has_errors(found)


def _make_bad() -> ModuleType:
    spec = importlib.util.spec_from_file_location("carepool_fixtures_make_bad", FIXTURES / "make_bad.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_committed_corpus_is_exactly_what_make_bad_generates(tmp_path: Path) -> None:
    _make_bad().build(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert fresh == sorted(p.relative_to(FIXTURES) for p in (FIXTURES / "bad").iterdir()) + \
        sorted(p.relative_to(FIXTURES) for p in (FIXTURES / "good").iterdir())
    stale = [str(name) for name in fresh if (tmp_path / name).read_bytes() != (FIXTURES / name).read_bytes()]
    assert stale == [], "run: .venv/bin/python tests/fixtures/plans/make_bad.py"
