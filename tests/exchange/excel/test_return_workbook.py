"""The return workbook: written pre-filled, filled in, read back exactly, and findings at their cells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics, write_metrics
from carepool.errors import ValidationFailed
from carepool.exchange.excel.return_workbook import METRICS, read_return_workbook, write_return_workbook
from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn
from carepool.plans.quarterly_return_json import return_from_dict
from carepool.plans.return_metrics import ENGINE, ENTERED, MetricLine
from carepool.programme import load_programme
from carepool.services import return_workbooks, returns
from carepool.store.db import Store
from tests.services.test_return_metrics import AREA, HEADLINE, YEAR, a_return, assure_2025


def test_round_trip_of_the_return_workbook(tmp_path: Path) -> None:
    programme = load_programme(YEAR)
    from carepool.money import Money
    from carepool.plans.quarterly_return import PoolLine, SchemeLine
    ret = QuarterlyReturn(
        AREA, YEAR, "2025Q2", (PoolLine("P1", Money(123_456_789_01), Money(98_765_432_10)),),
        (SchemeLine("S1", Money(1_000_000_07)), SchemeLine("S2", Money(5))), None, None,
        (ConditionAnswer("NC1", True), ConditionAnswer("NC2", False, "=not yet: see the plan"),
         ConditionAnswer("NC3", True)),
        "Q2 went to plan; winter planning began.",
        metrics=(MetricLine("emergency_admissions", 321.25, ENGINE, 300.0, 310.1, 332.6, "byar", True),
                 MetricLine("discharge_delay_average", 1.75, ENTERED, 2.0, None, None, "", True, ""),
                 MetricLine("long_term_care_admissions_65", 150.5, ENTERED, 140.0, None, None, "", False,
                            "Two care homes closed.")))
    path = write_return_workbook(tmp_path / "r.xlsx", ret, programme, None, "Trafford")
    data, cells, found = read_return_workbook(path)
    assert found == [] and data is not None
    back, read = return_from_dict(data)
    assert read == []
    assert back is not None
    # the area's part comes back exactly; goals and intervals are the service's (filled at submission)
    assert (back.area_code, back.year, back.quarter, back.pools, back.schemes, back.conditions, back.narrative) == (
        ret.area_code, ret.year, ret.quarter, ret.pools, ret.schemes, ret.conditions, ret.narrative)
    assert [(m.metric, m.actual, m.source, m.on_track, m.narrative) for m in back.metrics] == [
        (m.metric, m.actual, m.source, m.on_track, m.narrative) for m in ret.metrics]
    assert cells["metrics.discharge_delay_average.actual"] == (METRICS, "E5")
    sheet = load_workbook(path)[METRICS]
    assert sheet["D4"].value == 300.0 and sheet["G4"].value == 310.1 and sheet["E4"].protection.locked
    assert not sheet["E5"].protection.locked                 # an entered figure stays editable


def test_a_workbook_missing_a_metric_figure_is_refused_at_its_cell(store: Store, tmp_path: Path) -> None:
    assure_2025(store)
    path = return_workbooks.template(store, AREA, YEAR, "2025-26 Q1", tmp_path / "q1.xlsx")
    wb = load_workbook(path)
    ws = wb[METRICS]
    codes = [ws.cell(r, 1).value for r in range(4, 7)]
    assert tuple(codes) == HEADLINE
    assert all(ws.cell(r, 4).value is not None for r in range(4, 7))           # the plan's goals
    assert all(ws.cell(r, 6).value == ENTERED for r in range(4, 7))             # no person-level data loaded
    for r in range(4, 7):
        ws.cell(r, 9).value = "Yes"
    ws["E4"], ws["E6"] = 280.5, "12.5"                     # emergency admissions, care-home admissions
    ws["E5"] = None                                        # discharge delay left blank
    for r in range(4, 7):
        wb["Conditions"].cell(r, 3).value = "Yes"
    wb["Cover"]["B7"] = "On plan."
    wb.save(path)
    with pytest.raises(ValidationFailed) as refused:
        return_workbooks.submit_workbook(store, path, actor="lead", at=datetime(2025, 8, 1, tzinfo=UTC))
    missing = [f for f in refused.value.findings if f.rule == "return.metric-missing"]
    assert [(f.location.file, f.location.sheet, f.location.cell, f.location.field) for f in missing] == [
        ("q1.xlsx", METRICS, "E5", "metrics.discharge_delay_average.actual")]
    assert returns.list_returns(store, AREA, YEAR) == []
    ws = wb[METRICS]
    ws["E5"] = 2.25
    wb.save(path)
    done = return_workbooks.submit_workbook(store, path, actor="lead", at=datetime(2025, 8, 1, tzinfo=UTC))
    assert [(m.metric, m.actual) for m in done.record.document.metrics] == [
        ("emergency_admissions", 280.5), ("discharge_delay_average", 2.25), ("long_term_care_admissions_65", 12.5)]


def test_the_template_carries_the_engines_figures_locked(store: Store, tmp_path: Path) -> None:
    assure_2025(store)
    data = tmp_path / "data"
    synthetic_writer.write(data, AREA, [2025], seed=6, effects=[])
    metrics = write_metrics(compute_metrics(data, grains=("quarter", "year")), tmp_path / "m.parquet")
    path = return_workbooks.template(store, AREA, YEAR, "2025-26", tmp_path / "eoy.xlsx", metrics_file=metrics)
    ws = load_workbook(path)[METRICS]
    assert all(ws.cell(r, 6).value == ENGINE and ws.cell(r, 5).protection.locked for r in range(4, 7))
    assert all(ws.cell(r, 7).value <= ws.cell(r, 5).value <= ws.cell(r, 8).value for r in range(4, 7))


def test_the_2015_16_workbook_has_no_metrics_sheet(store: Store, tmp_path: Path) -> None:
    ret = a_return(store, assure_2025(store))
    programme = load_programme("bcf-2015-16")
    legacy = QuarterlyReturn("E08000018", programme.id, "2015Q1", ret.pools, (), 10, 20, ())
    path = write_return_workbook(tmp_path / "old.xlsx", legacy, programme, None, "Rotherham")
    assert METRICS not in load_workbook(path).sheetnames
    data, _, found = read_return_workbook(path)
    assert found == [] and data is not None
    assert (data["non_elective_admissions"], data["delayed_days"]) == (10, 20) and "metrics" not in data


def test_a_formula_in_a_figure_cell_is_a_finding_at_that_cell(tmp_path: Path) -> None:
    programme = load_programme(YEAR)
    ret = QuarterlyReturn(AREA, YEAR, "2025Q1", (), (), None, None, (), "",
                          metrics=(MetricLine("emergency_admissions", None, ENTERED),))
    path = write_return_workbook(tmp_path / "f.xlsx", ret, programme, None, "Trafford")
    wb = load_workbook(path)
    wb[METRICS]["E4"] = "=SUM(1,2)"
    wb.save(path)
    _, _, found = read_return_workbook(path)
    assert [(f.rule, f.location.sheet, f.location.cell) for f in found] == [("return.formula", METRICS, "E4")]
