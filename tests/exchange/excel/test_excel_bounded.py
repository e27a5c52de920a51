"""Bounded reading: a small hostile workbook is refused quickly, with a finding that says where,
before it can stall or exhaust the server (issue 16 item 3). Every file here is built for real."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.exchange.excel import read_and_validate, write_plan_workbook
from carepool.exchange.excel.opening import MAX_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_UNCOMPRESSED_BYTES
from carepool.findings import Finding, Severity
from carepool.programme import ProgrammeYear
from carepool.reference import ReferenceData

from .conftest import a_plan

AREA = "E08000018"
FAST = 2.0   # seconds: a refusal must come well before the parse that would have stalled


def _template(tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> Path:
    return write_plan_workbook(tmp_path / "plan.xlsx", area_code=AREA, year=year15, ref=ref,
                               plan=a_plan(AREA, year15, ref))


def _refusal(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule == rule]
    assert hits, [f"{f.rule}: {f.message}" for f in findings]
    assert hits[0].severity is Severity.ERROR
    return hits[0]


def _replace_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, data if info.filename == part else src.read(info.filename))
    return target


def _million_cell_sheet() -> bytes:
    # a million identical cells without positions: openpyxl places them one after another
    row = "<row>" + '<c t="n"><v>1</v></c>' * 10 + "</row>"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{row * 100_000}</sheetData></worksheet>").encode()


def test_a_million_compressible_cells_are_refused_fast(tmp_path: Path, ref: ReferenceData,
                                                      year15: ProgrammeYear) -> None:
    sheet = _million_cell_sheet()
    bomb = _replace_part(_template(tmp_path, ref, year15), tmp_path / "bomb.xlsx", "xl/worksheets/sheet5.xml", sheet)
    assert bomb.stat().st_size < 150_000 and len(sheet) > 20_000_000   # small on disk, large inside
    started = time.perf_counter()
    read, findings = read_and_validate(bomb, ref=ref)
    assert time.perf_counter() - started < FAST
    assert read.plan is None
    found = _refusal(findings, "XL-TOO-LARGE")
    assert found.location.file == "bomb.xlsx"
    assert str(MAX_UNCOMPRESSED_BYTES // 1_000_000) in found.message


def test_too_many_cells_within_the_sheet_limits_are_refused_by_count(tmp_path: Path, ref: ReferenceData,
                                                                     year15: ProgrammeYear) -> None:
    """Two sheets, each inside the row and column limits, together over the cell limit."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, MAX_SHEET_COLUMNS + 1)]
    rows_each = MAX_CELLS // (2 * MAX_SHEET_COLUMNS) + 10
    assert rows_each <= MAX_SHEET_ROWS
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"/>' for c in letters) + "</row>"
                   for r in range(1, rows_each + 1))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{rows}</sheetData></worksheet>").encode()
    assert 2 * len(sheet) < MAX_UNCOMPRESSED_BYTES
    first = _replace_part(_template(tmp_path, ref, year15), tmp_path / "one.xlsx", "xl/worksheets/sheet4.xml", sheet)
    many = _replace_part(first, tmp_path / "many.xlsx", "xl/worksheets/sheet5.xml", sheet)
    started = time.perf_counter()
    _read, findings = read_and_validate(many, ref=ref)
    assert time.perf_counter() - started < FAST * 2
    found = _refusal(findings, "XL-TOO-LARGE")
    assert (found.location.file, found.location.sheet) == ("many.xlsx", "Schemes")
    assert found.location.cell and f"{MAX_CELLS:,}" in found.message


def test_one_cell_at_the_last_row_is_refused_at_that_cell(tmp_path: Path, ref: ReferenceData,
                                                         year15: ProgrammeYear) -> None:
    path = _template(tmp_path, ref, year15)
    wb = load_workbook(path)
    wb["Cover"]["B1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 100_000
    started = time.perf_counter()
    read, findings = read_and_validate(tmp_path / "far.xlsx", ref=ref)
    assert time.perf_counter() - started < FAST
    assert read.plan is None
    found = _refusal(findings, "XL-TOO-LARGE")
    assert (found.location.file, found.location.sheet, found.location.cell) == ("far.xlsx", "Cover", "B1048576")
    assert f"{MAX_SHEET_ROWS:,}" in found.message


def test_a_declared_dimension_beyond_the_limits_is_refused_before_parsing(tmp_path: Path, ref: ReferenceData,
                                                                         year15: ProgrammeYear) -> None:
    path = _template(tmp_path, ref, year15)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    start = xml.index('<dimension ref="') + len('<dimension ref="')
    end = xml.index('"', start)
    wide = _replace_part(path, tmp_path / "wide.xlsx", "xl/worksheets/sheet2.xml",
                         (xml[:start] + "A1:XFD5" + xml[end:]).encode())
    _read, findings = read_and_validate(wide, ref=ref)
    found = _refusal(findings, "XL-TOO-LARGE")
    assert (found.location.sheet, found.location.cell) == ("Partners", "XFD5")
    assert str(MAX_SHEET_COLUMNS) in found.message


def test_the_real_template_is_well_inside_the_limits(tmp_path: Path, ref: ReferenceData,
                                                    year15: ProgrammeYear) -> None:
    read, findings = read_and_validate(_template(tmp_path, ref, year15), ref=ref)
    assert read.plan is not None and not [f for f in findings if f.rule == "XL-TOO-LARGE"]


@pytest.mark.parametrize("extra_rows", [1, 50])
def test_notes_past_the_layout_limit_are_reported_not_read(tmp_path: Path, ref: ReferenceData,
                                                          year15: ProgrammeYear, extra_rows: int) -> None:
    from carepool.exchange.excel.layout import MAX_NOTES, NOTES_FIRST_ROW

    path = _template(tmp_path, ref, year15)
    wb = load_workbook(path)
    last = NOTES_FIRST_ROW + MAX_NOTES - 1
    wb["Cover"][f"B{last}"] = "the last note read"
    wb["Cover"][f"B{last + extra_rows}"] = "past the limit"
    wb.save(tmp_path / "notes.xlsx")
    _read, findings = read_and_validate(tmp_path / "notes.xlsx", ref=ref)
    found = _refusal(findings, "XL-ROWS")
    assert (found.location.sheet, found.location.cell) == ("Cover", f"B{last + 1}")
