"""The blank planning template: fixed figures blue and locked, inputs yellow with drop-downs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from carepool.errors import InputError
from carepool.exchange.excel import TEMPLATE_ID, read_plan_workbook, write_plan_workbook
from carepool.exchange.excel.checklist import ON_VALIDATE, rule_names
from carepool.exchange.excel.layout import FIRST_ROW, SHEETS, TABLES, Table
from carepool.exchange.excel.lists import year_lists
from carepool.exchange.excel.styles import ENTRY_COLOUR, FIXED_COLOUR
from carepool.money import parse_money
from carepool.plans.model import hwb_code
from carepool.plans.validate import ALL_RULES
from carepool.programme import ProgrammeYear, derive_minimums
from carepool.reference import ReferenceData

from .conftest import a_plan

AREA = "E06000038"   # Reading: two CCGs


@pytest.fixture(scope="module", params=["bcf-2015-16", "bcf-2016-17"])
def year(request: pytest.FixtureRequest, year15: ProgrammeYear, year16: ProgrammeYear) -> ProgrammeYear:
    return year15 if request.param == "bcf-2015-16" else year16


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, year: ProgrammeYear, ref: ReferenceData) -> Path:
    path = tmp_path_factory.mktemp("template") / f"template-{year.id}.xlsx"
    assert write_plan_workbook(path, area_code=AREA, year=year, ref=ref) == path
    return path


@pytest.fixture(scope="module")
def wb(template: Path) -> Workbook:
    return load_workbook(template)


def is_fixed(cell: Cell) -> bool:
    return bool(cell.fill.fgColor.rgb.endswith(FIXED_COLOUR) and cell.protection.locked)


def is_input(cell: Cell) -> bool:
    return bool(cell.fill.fgColor.rgb.endswith(ENTRY_COLOUR) and not cell.protection.locked)


def resolve(wb: Workbook, reference: str) -> list[Any]:
    """Values of a drop-down source such as '=Lists!$A$2:$A$14'."""
    match = re.fullmatch(r"=?(\w+)!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", reference)
    assert match, reference
    sheet, col, first, _, last = match.groups()
    return [wb[sheet][f"{col}{r}"].value for r in range(int(first), int(last) + 1)]


def drop_down(wb: Workbook, table: Table, key: str) -> str:
    """The list formula of the data validation covering the column's first input cell."""
    ws = wb[table.sheet]
    coord = f"{table.letter(key)}{FIRST_ROW}"
    found = [dv.formula1 for dv in ws.data_validations.dataValidation if coord in dv.sqref and dv.type == "list"]
    assert len(found) == 1, f"{table.sheet}!{coord} has {len(found)} drop-downs"
    return str(found[0])


def test_sheets_are_in_order_and_the_lists_sheet_is_hidden(wb: Workbook) -> None:
    assert wb.sheetnames == list(SHEETS)
    assert wb["Lists"].sheet_state == "hidden"
    assert all(wb[s].sheet_state == "visible" for s in SHEETS if s != "Lists")


def test_every_sheet_is_protected_without_a_password(wb: Workbook) -> None:
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        assert not ws.protection.password, ws.title
    assert wb.security is not None and wb.security.lockStructure
    assert not wb.security.workbookPassword


def test_cover_names_the_area_and_year_in_fixed_cells(wb: Workbook, year: ProgrammeYear, ref: ReferenceData) -> None:
    cover = wb["Cover"]
    assert cover["B2"].value == TEMPLATE_ID
    assert cover["B4"].value == AREA and is_fixed(cover["B4"])
    assert cover["B5"].value == ref.area(AREA).name and is_fixed(cover["B5"])
    assert cover["B6"].value == year.id and is_fixed(cover["B6"])
    assert is_input(cover["B8"]) and is_input(cover["B9"])
    text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "derived" in text.lower() and "not published" in text
    assert "illustrative" in text.lower()


def test_partners_are_the_council_every_ccg_serving_the_area_and_the_board(
        wb: Workbook, year: ProgrammeYear, ref: ReferenceData) -> None:
    ws = wb["Partners"]
    ccgs = sorted(derive_minimums(year, ref)[AREA].by_ccg)
    rows = [(ws[f"A{r}"].value, ws[f"C{r}"].value) for r in range(FIRST_ROW, FIRST_ROW + len(ccgs) + 2)]
    assert rows == [(AREA, "Local authority"), *[(c, "CCG") for c in ccgs],
                    (hwb_code(AREA), "Health and Wellbeing Board")]
    assert len(ccgs) == 2
    assert all(is_fixed(ws[f"{col}{r}"]) for col in "ABC" for r in range(FIRST_ROW, FIRST_ROW + 4))


def test_derived_minimums_are_shown_and_labelled_derived(wb: Workbook, year: ProgrammeYear,
                                                         ref: ReferenceData) -> None:
    mins = derive_minimums(year, ref)[AREA]
    ws = wb["Minimums"]
    assert "(derived)" in ws["A1"].value
    shown = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        key, stream = ws[f"A{r}"].value, ws[f"C{r}"].value or ""
        amount, basis = ws[f"E{r}"].value, ws[f"F{r}"].value
        if amount is not None and key not in ("performance", "cost", "Ring fence"):
            shown[(key, stream)] = parse_money(amount)
            assert basis == "derived", f"Minimums row {r} is not labelled derived"
            assert is_fixed(ws[f"E{r}"])
    expected = {(c, s): m for c, streams in mins.by_ccg.items() for s, m in streams.items()}
    expected |= {(AREA, s): m for s, m in mins.by_la.items()}
    expected |= {(f, ""): m for f, m in mins.ring_fences.items()}
    assert shown == expected
    ambition = wb["Ambition"]
    labels = {ambition[f"A{r}"].value: ambition[f"B{r}"] for r in range(1, ambition.max_row + 1)}
    share = labels["Area's share of the national performance element (derived)"]
    assert parse_money(share.value) == mins.performance_element and is_fixed(share)
    cost = labels["Average cost per non-elective admission ((guidance) programme rule)"]
    assert parse_money(cost.value) == year.performance.cost_per_admission


def test_funding_is_prefilled_with_each_minimum_line_and_a_live_minimum_check(
        wb: Workbook, year: ProgrammeYear, ref: ReferenceData) -> None:
    mins = derive_minimums(year, ref)[AREA]
    ws = wb["Funding"]
    lines = [(c, s) for c in sorted(mins.by_ccg) for s in sorted(mins.by_ccg[c])]
    lines += [(AREA, s) for s in sorted(mins.by_la)]
    rows = [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in range(FIRST_ROW, FIRST_ROW + len(lines))]
    assert rows == lines
    assert ws[f"D{FIRST_ROW}"].value is None and is_input(ws[f"D{FIRST_ROW}"])
    assert ws["E3"].value == "Plan year (two-year plans)" and ws[f"E{FIRST_ROW}"].value is None
    assert "derived" in ws["F3"].value
    assert ws[f"F{FIRST_ROW}"].data_type == "f" and "Minimums!" in ws[f"F{FIRST_ROW}"].value
    assert ws[f"F{FIRST_ROW}"].protection.locked
    assert "Below minimum" in ws[f"G{FIRST_ROW}"].value


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.sheet)
def test_input_columns_are_yellow_and_unlocked_and_fixed_ones_blue_and_locked(wb: Workbook, table: Table) -> None:
    ws = wb[table.sheet]
    last = FIRST_ROW
    while ws[f"A{last + 1}"].fill.fgColor.rgb.endswith((ENTRY_COLOUR, FIXED_COLOUR)):
        last += 1
    for col in table.columns:
        for r in range(FIRST_ROW, last + 1):
            cell = ws[f"{table.letter(col.key)}{r}"]
            if col.entry and not cell.protection.locked:
                assert is_input(cell), f"{table.sheet}!{cell.coordinate}"
            elif col.entry:   # the grey, locked period cells of annual metrics
                assert table.sheet == "Metrics" and col.key.startswith("planned_") and cell.value is None
            else:
                assert is_fixed(cell), f"{table.sheet}!{cell.coordinate}"
    if table.sheet == "Schemes":
        assert last - FIRST_ROW + 1 >= 60


def test_ambition_inputs_are_yellow(wb: Workbook) -> None:
    ws = wb["Ambition"]
    for coord in ("B4", "E4", "F4", "B5", "F5", "B7", "B8", "B9"):
        assert is_input(ws[coord]), coord
    assert ws["B14"].data_type == "f" and ws["B14"].protection.locked


@pytest.mark.parametrize(("table_name", "key", "choices"), [
    ("Schemes", "scheme_type", "scheme_types"), ("Schemes", "area_of_spend", "areas_of_spend"),
    ("Schemes", "commissioner", "commissioners"), ("Schemes", "source", "streams"),
    ("Schemes", "new", "newexisting"), ("Funding", "stream", "streams"), ("Conditions", "confirmed", "yesno"),
])
def test_drop_downs_offer_the_years_lists(wb: Workbook, year: ProgrammeYear, table_name: str, key: str,
                                          choices: str) -> None:
    table = next(t for t in TABLES if t.sheet == table_name)
    assert resolve(wb, drop_down(wb, table, key)) == list(year_lists(year)[choices])


@pytest.mark.parametrize(("table_name", "key", "source"), [
    ("Schemes", "pool", "Pools"), ("Funding", "pool", "Pools"), ("Funding", "contributor", "Partners"),
    ("Pools", "host", "Partners"), ("SignOff", "partner", "Partners"),
])
def test_drop_downs_offer_the_workbooks_own_pools_and_partners(wb: Workbook, table_name: str, key: str,
                                                               source: str) -> None:
    table = next(t for t in TABLES if t.sheet == table_name)
    formula = drop_down(wb, table, key)
    assert formula.startswith(f"{source}!$A${FIRST_ROW}:")
    values = [v for v in resolve(wb, formula) if v is not None]
    assert values == (["P1"] if source == "Pools" else
                      [wb["Partners"][f"A{r}"].value for r in range(FIRST_ROW, FIRST_ROW + len(values))])


def test_conditions_and_metrics_carry_the_years_titles_and_names(wb: Workbook, year: ProgrammeYear) -> None:
    cond = wb["Conditions"]
    assert [(cond[f"A{FIRST_ROW + i}"].value, cond[f"B{FIRST_ROW + i}"].value) for i in range(len(year.conditions))] \
        == [(c.id, c.title) for c in year.conditions]
    met = wb["Metrics"]
    assert [met[f"B{FIRST_ROW + i}"].value for i in range(len(year.metrics))] == [m.name for m in year.metrics]
    assert is_fixed(met[f"B{FIRST_ROW}"]) and is_fixed(cond[f"B{FIRST_ROW}"])


def test_checklist_lists_every_validation_rule_with_a_live_status(wb: Workbook) -> None:
    ws = wb["Checklist"]
    listed = [ws[f"B{r}"].value for r in range(4, 4 + len(ALL_RULES))]
    assert listed == rule_names() == [r.__name__ for r in ALL_RULES]
    statuses = [ws[f"D{r}"] for r in range(4, 4 + len(ALL_RULES))]
    live = [c for c in statuses if c.data_type == "f"]
    assert len(live) >= 10
    assert all(c.data_type == "f" or c.value == ON_VALIDATE for c in statuses)


def test_every_formula_refers_to_sheets_that_exist(wb: Workbook) -> None:
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 50
    for formula in formulas:
        for sheet in re.findall(r"([A-Za-z]+)!", formula):
            assert sheet in wb.sheetnames, formula
        assert formula.count("(") == formula.count(")"), formula


def test_reading_the_blank_template_reports_what_is_missing_without_raising(template: Path,
                                                                             ref: ReferenceData) -> None:
    read = read_plan_workbook(template, ref=ref)
    assert read.plan is None
    rules = {f.rule for f in read.findings}
    assert "XL-BLANK" in rules
    assert not rules & {"XL-TEMPLATE", "XL-HEADER", "XL-SHEET", "XL-YEAR"}
    assert all(f.location.sheet and f.location.cell for f in read.findings)


def test_export_of_an_illustrative_plan_says_so_on_the_cover(tmp_path: Path, year15: ProgrammeYear,
                                                            ref: ReferenceData) -> None:
    plan = a_plan(AREA, year15, ref)
    assert plan.illustrative
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=AREA, year=year15, ref=ref, plan=plan)
    cover = load_workbook(path)["Cover"]
    assert cover["B8"].value == "Yes"
    assert "ILLUSTRATIVE" in str(cover["A17"].value)


def test_writing_a_plan_under_another_year_is_refused(tmp_path: Path, year15: ProgrammeYear,
                                                      year16: ProgrammeYear, ref: ReferenceData) -> None:
    with pytest.raises(InputError, match="bcf-2015-16"):
        write_plan_workbook(tmp_path / "p.xlsx", area_code=AREA, year=year16, ref=ref, plan=a_plan(AREA, year15, ref))
