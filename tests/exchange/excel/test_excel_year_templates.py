"""The workbook follows each year's template as far as its published guidance goes: a Guidance
sheet, per-year columns for two-year plans, capacity and demand, sheet completion on the
Checklist and the Cover, the year's published cell colours; findings located by sheet and cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.exchange.excel import read_and_validate, read_plan_workbook, write_plan_workbook
from carepool.exchange.excel.layout import FIRST_ROW, HEADER_ROW, SHEETS, schemes_table, sheets_for
from carepool.exchange.excel.styles import ENTRY_COLOUR, FIXED_COLOUR
from carepool.exchange.excel.write_guidance import GREY_PREFILLED
from carepool.money import Money, parse_money
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import ReferenceData

SOMERSET, ROTHERHAM = "E06000066", "E08000018"


@pytest.fixture(scope="module")
def y2325() -> ProgrammeYear:
    return load_programme("bcf-2023-25")


@pytest.fixture(scope="module")
def y2526() -> ProgrammeYear:
    return load_programme("bcf-2025-26")


def headers(ws) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(c.value) for c in ws[HEADER_ROW] if c.value is not None]


def test_a_two_year_template_has_guidance_per_year_columns_and_capacity(tmp_path: Path, y2325: ProgrammeYear,
                                                                         ref: ReferenceData) -> None:
    path = write_plan_workbook(tmp_path / "t.xlsx", area_code=SOMERSET, year=y2325, ref=ref)
    wb = load_workbook(path)
    assert wb.sheetnames == list(sheets_for(y2325)) == ["Guidance", *SHEETS]
    assert wb.active.title == "Guidance"
    guidance = " ".join(str(c.value) for row in wb["Guidance"].iter_rows() for c in row if c.value)
    assert "not published in carepool's sources" in guidance
    assert "Better Care Exchange" in guidance and "england.nhs.uk" in guidance      # the sources, cited
    assert "Planned amount 2023-24 (£)" in headers(wb["Schemes"])
    assert "Planned amount 2024-25 (£)" in headers(wb["Schemes"])
    assert "Planned amount (£)" not in headers(wb["Schemes"])
    assert [h for h in headers(wb["Metrics"]) if h.startswith("Goal")] == ["Goal 2023-24", "Goal 2024-25"]
    capacity = wb["Capacity"]
    assert [capacity[f"B{FIRST_ROW + i}"].value for i in range(2)] == ["2023-24", "2024-25"]
    assert capacity[f"C{FIRST_ROW}"].fill.fgColor.rgb.endswith(ENTRY_COLOUR)


def test_the_checklist_shows_each_sheet_completed_and_the_cover_the_template_status(
        tmp_path: Path, y2325: ProgrammeYear, ref: ReferenceData) -> None:
    blank = load_workbook(write_plan_workbook(tmp_path / "t.xlsx", area_code=SOMERSET, year=y2325, ref=ref))
    ws = blank["Checklist"]
    sheets = {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(1, ws.max_row + 1)
              if str(ws[f"B{r}"].value or "").startswith('=IF(AND(')}
    assert {"Partners", "Schemes", "Metrics", "Capacity", "Conditions", "SignOff"} <= set(sheets)
    assert all('"Yes","No"' in f for f in sheets.values())
    cover = blank["Cover"]["B3"].value
    assert cover.startswith("=Checklist!B")
    status = ws[cover.removeprefix("=Checklist!")].value
    assert "Complete Template" in status and "Incomplete Template" in status
    assert blank["Schemes"].cell(row=1, column=1).value.startswith("Schemes")


def test_2019_20_cells_take_the_grey_its_published_guidance_describes(tmp_path: Path, ref: ReferenceData) -> None:
    year = load_programme("bcf-2019-20")
    assert year.template.prefilled_fill == "grey" and year.template.input_fill == "yellow"
    wb = load_workbook(write_plan_workbook(tmp_path / "t.xlsx", area_code="E06000038", year=year, ref=ref))
    cover = wb["Cover"]
    assert cover["B4"].fill.fgColor.rgb.endswith(GREY_PREFILLED) and cover["B4"].protection.locked
    assert cover["B9"].fill.fgColor.rgb.endswith(ENTRY_COLOUR)
    assert not any(c.fill.fgColor.rgb.endswith(FIXED_COLOUR) for ws in wb.worksheets for row in ws.iter_rows()
                   for c in row)
    assert "as the year's published guidance says" in " ".join(
        str(c.value) for row in wb["Guidance"].iter_rows() for c in row if c.value)


@pytest.mark.parametrize("area", [SOMERSET, ROTHERHAM])
def test_two_year_plans_round_trip_with_spend_and_goals_per_year(tmp_path: Path, y2325: ProgrammeYear,
                                                                 ref: ReferenceData, area: str) -> None:
    plan = synthetic_plan_2023(area, y2325, seed=3, signed=True)
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=area, year=y2325, ref=ref, plan=plan)
    wb = load_workbook(path)
    table = schemes_table(y2325)
    ws = wb["Schemes"]
    first = plan.schemes[0]
    assert parse_money(ws[f"{table.letter('amounts_0')}{FIRST_ROW}"].value) == first.amounts[0][1]
    assert parse_money(ws[f"{table.letter('amounts_1')}{FIRST_ROW}"].value) == first.amounts[1][1]
    assert ws[f"{table.letter('amount')}{FIRST_ROW}"].data_type == "f"                 # a live sum, not an input
    read = read_plan_workbook(path, ref=ref)
    assert read.findings == [] and read.plan == plan


def test_per_year_findings_point_at_their_sheet_and_cell(tmp_path: Path, y2325: ProgrammeYear,
                                                         ref: ReferenceData) -> None:
    plan = synthetic_plan_2023(SOMERSET, y2325, seed=3)
    table = schemes_table(y2325)
    y1, y2 = (f"{table.letter(k)}{FIRST_ROW}" for k in ("amounts_0", "amounts_1"))
    (_, a1), (_, a2) = plan.schemes[0].amounts
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=SOMERSET, year=y2325, ref=ref, plan=plan)
    wb = load_workbook(path)
    wb["Schemes"][y1] = "lots"
    wb.save(path)
    _read, findings = read_and_validate(path, ref=ref)
    assert [(f.rule, f.location.sheet, f.location.cell) for f in findings] == [("XL-MONEY", "Schemes", y1)]

    wb = load_workbook(write_plan_workbook(path, area_code=SOMERSET, year=y2325, ref=ref, plan=plan))
    wb["Schemes"][y1] = float((a1 - Money(100)).decimal)          # £1 moved from 2023-24 to 2024-25:
    wb["Schemes"][y2] = float((a2 + Money(100)).decimal)          # the two-year total still adds up
    wb.save(path)
    read, findings = read_and_validate(path, ref=ref)
    assert read.plan is not None and read.plan.schemes[0].amount == plan.schemes[0].amount
    years = [f for f in findings if f.rule == "SCHEMES-SUM-YEAR"]
    assert [f.message.split(":")[0] for f in years] == ["pool P1 in 2023-24", "pool P1 in 2024-25"]
    assert {(f.location.sheet, f.location.cell) for f in years} == {("Pools", f"A{FIRST_ROW}")}
    assert not [f for f in findings if f.rule == "SCHEMES-SUM"]


def test_a_2025_26_plan_without_capacity_and_demand_is_told_where(tmp_path: Path, y2526: ProgrammeYear,
                                                                  ref: ReferenceData) -> None:
    plan = synthetic_plan_2023(ROTHERHAM, y2526, seed=1)
    assert plan.capacity
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=ROTHERHAM, year=y2526, ref=ref, plan=plan)
    wb = load_workbook(path)
    for r in range(FIRST_ROW, FIRST_ROW + len(plan.capacity)):
        for col in "ABCD":
            wb["Capacity"][f"{col}{r}"] = None
    wb.save(path)
    _read, findings = read_and_validate(path, ref=ref)
    missing = [f for f in findings if f.rule == "CAPACITY-MISSING"]
    assert [(f.location.sheet, f.location.cell) for f in missing] == [("Capacity", "A3")]
