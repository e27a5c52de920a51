"""Reading collects every problem at its cell; locate points validation findings at cells."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.errors import ConfigurationError
from carepool.exchange.excel import locate, read_plan_workbook, write_plan_workbook
from carepool.findings import Finding, Location, Severity, error
from carepool.plans.model import MetricPlan, Partner, Pool, Scheme
from carepool.plans.validate import validate_plan
from carepool.programme import ProgrammeYear
from carepool.reference import ReferenceData

from .conftest import a_plan

AREA = "E06000038"


@pytest.fixture
def exported(tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> Path:
    return write_plan_workbook(tmp_path / "plan.xlsx", area_code=AREA, year=year15, ref=ref,
                               plan=a_plan(AREA, year15, ref))


def places(findings: list[Finding]) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule, f.location.sheet, f.location.cell) for f in findings}


def test_every_problem_in_one_workbook_is_reported_not_just_the_first(exported: Path, ref: ReferenceData) -> None:
    wb = load_workbook(exported)
    wb["Funding"]["D4"] = "five million"
    wb["Schemes"]["I5"] = "=I4*2"
    wb["SignOff"]["D4"] = "soon"
    wb["Conditions"]["C4"] = "Perhaps"
    wb["Schemes"].merge_cells("E6:F6")
    wb["Ambition"]["B8"] = 12.5
    wb["Metrics"]["F4"] = "n/a"
    wb.save(exported)
    read = read_plan_workbook(exported, ref=ref)
    assert read.plan is None
    assert places(read.findings) >= {
        ("XL-MONEY", "Funding", "D4"), ("XL-FORMULA", "Schemes", "I5"), ("XL-DATE", "SignOff", "D4"),
        ("XL-CHOICE", "Conditions", "C4"), ("XL-MERGED", "Schemes", "E6"), ("XL-NUMBER", "Ambition", "B8"),
        ("XL-NUMBER", "Metrics", "F4"),
    }
    assert all(f.location.file == "plan.xlsx" for f in read.findings)
    merged = [f for f in read.findings if f.rule == "XL-MERGED"]
    assert len(merged) == 1, "a merged range is reported once, not once per cell"


def test_a_missing_file_is_a_finding(tmp_path: Path, ref: ReferenceData) -> None:
    read = read_plan_workbook(tmp_path / "nowhere.xlsx", ref=ref)
    assert read.plan is None
    assert [f.rule for f in read.findings] == ["XL-FILE"]
    assert "does not exist" in read.findings[0].message


def test_several_missing_sheets_are_all_named(exported: Path, ref: ReferenceData) -> None:
    wb = load_workbook(exported)
    for name in ("Pools", "Metrics", "Checklist"):
        wb.remove(wb[name])
    wb.save(exported)
    read = read_plan_workbook(exported, ref=ref)
    sheets = {(f.location.sheet, f.severity) for f in read.findings if f.rule == "XL-SHEET"}
    assert sheets == {("Pools", Severity.ERROR), ("Metrics", Severity.ERROR), ("Checklist", Severity.WARNING)}
    assert read.plan is None


def test_a_third_year_is_read_through_the_year_loader(tmp_path: Path, ref: ReferenceData,
                                                     year16: ProgrammeYear) -> None:
    """A new programme year is data: the reader takes whatever year the loader knows."""
    future = replace(year16, id="bcf-2017-18", name="Better Care Fund 2017-18", source_file="test:2017-18")
    plan = replace(a_plan(AREA, year16, ref), year=future.id)
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=AREA, year=future, ref=ref, plan=plan)

    def loader(year_id: str) -> ProgrammeYear:
        if year_id != future.id:
            raise ConfigurationError(f"unknown programme year '{year_id}'")
        return future

    read = read_plan_workbook(path, ref=ref, year_loader=loader)
    assert read.findings == [] and read.plan == plan and read.year is future
    default = read_plan_workbook(path, ref=ref)
    assert places(default.findings) == {("XL-YEAR", "Cover", "B6")} and default.plan is None


def test_a_year_that_looks_like_a_path_never_reaches_the_loader(exported: Path, ref: ReferenceData) -> None:
    wb = load_workbook(exported)
    wb["Cover"]["B6"] = "/etc/carepool/evil.yaml"
    wb.save(exported)
    asked: list[str] = []

    def loader(year_id: str) -> ProgrammeYear:
        asked.append(year_id)
        raise ConfigurationError("no")

    read = read_plan_workbook(exported, ref=ref, year_loader=loader)
    assert asked == []
    assert places(read.findings) == {("XL-YEAR", "Cover", "B6")}


def test_a_cover_area_name_that_does_not_match_the_code_is_a_warning(exported: Path, ref: ReferenceData) -> None:
    wb = load_workbook(exported)
    wb["Cover"]["B5"] = "Somewhere Else"
    wb.save(exported)
    read = read_plan_workbook(exported, ref=ref)
    assert [(f.rule, f.severity) for f in read.findings] == [("XL-AREA-NAME", Severity.WARNING)]
    assert read.plan is not None


def test_locate_trims_paths_keeps_the_field_and_leaves_located_findings_alone() -> None:
    cells = {"schemes[2]": ("Schemes", "A6"), "schemes": ("Schemes", "A3"),
             "ambition.performance_sum": ("Ambition", "B7")}
    already = Finding("XL-MONEY", Severity.ERROR, "bad", Location(file="f.xlsx", sheet="Funding", cell="D4"))
    found = locate([
        error("R1", "m", field="schemes[2].amount"),
        error("R2", "m", field="schemes[9].name"),
        error("R3", "m", field="ambition.performance_sum"),
        error("R4", "m", field="nowhere[1].thing"),
        already,
    ], cells, "f.xlsx")
    assert [(f.location.sheet, f.location.cell, f.location.field, f.location.file) for f in found] == [
        ("Schemes", "A6", "schemes[2].amount", "f.xlsx"),
        ("Schemes", "A3", "schemes[9].name", "f.xlsx"),
        ("Ambition", "B7", "ambition.performance_sum", "f.xlsx"),
        (None, None, "nowhere[1].thing", "f.xlsx"),
        ("Funding", "D4", None, "f.xlsx"),
    ]
    assert "sheet 'Schemes' cell A6" in str(found[0])


def test_every_validation_finding_of_a_badly_broken_plan_is_placed_on_a_cell(
        tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> None:
    plan = a_plan(AREA, year15, ref, signed=False)
    broken = replace(
        plan,
        partners=(*plan.partners, Partner("99Z", "Nobody CCG", "ccg"), Partner(plan.partners[0].code, "Twice", "la")),
        pools=(*plan.pools, Pool("P1", "", "X1", "")),
        funding=(*plan.funding, replace(plan.funding[0], stream="bogus", pool="P7")),
        schemes=(*plan.schemes, Scheme("", "", "x", "y", "z", "", "bogus", "P8", plan.schemes[0].amount, True)),
        metrics=(*plan.metrics[:2], MetricPlan(plan.metrics[2].code, None, (None,))),
        conditions=(replace(plan.conditions[0], confirmed=None), *plan.conditions[2:]),
        ambition=replace(plan.ambition, planned_quarters=(1, 1, 1, 1), performance_sum=plan.ambition.performance_sum
                         + plan.ambition.performance_sum),
    )
    path = write_plan_workbook(tmp_path / "broken.xlsx", area_code=AREA, year=year15, ref=ref, plan=broken)
    read = read_plan_workbook(path, ref=ref)
    assert read.plan == broken
    findings = locate(validate_plan(broken, year15, ref, stage="submission"), read.cells, path.name)
    rules = {f.rule for f in findings}
    assert len(rules) >= 15, rules
    unplaced = [f for f in findings if not (f.location.sheet and f.location.cell)]
    assert unplaced == []
    assert all(f.location.file == "broken.xlsx" and f.location.field for f in findings)
