"""Uploads are read in a separate worker process with an address-space limit and a time limit,
so a workbook that slips past the size checks still cannot exhaust or stall the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.exchange.excel import read_and_validate, write_plan_workbook
from carepool.exchange.excel.isolated import read_and_validate_isolated
from carepool.programme import ProgrammeYear
from carepool.reference import ReferenceData

from .conftest import a_plan

AREA = "E08000018"


def _workbook(tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> Path:
    return write_plan_workbook(tmp_path / "plan.xlsx", area_code=AREA, year=year15, ref=ref,
                               plan=a_plan(AREA, year15, ref))


def test_the_worker_gives_the_same_answer_as_reading_in_process(tmp_path: Path, ref: ReferenceData,
                                                                 year15: ProgrammeYear) -> None:
    path = _workbook(tmp_path, ref, year15)
    here, here_findings = read_and_validate(path, ref=ref)
    there, there_findings = read_and_validate_isolated(path, ref=ref)
    assert there.plan is not None and there.plan == here.plan
    assert there_findings == here_findings and there.cells == here.cells


def _heavy(path: Path) -> Path:
    """The workbook with its hidden Lists sheet full: 145,000 text cells, inside every size limit,
    which take far more than a few MB to hold as cells."""
    import zipfile

    from openpyxl.utils import get_column_letter

    from carepool.exchange.excel.opening import MAX_CELLS, MAX_SHEET_COLUMNS, MAX_UNCOMPRESSED_BYTES

    letters = [get_column_letter(c) for c in range(1, MAX_SHEET_COLUMNS + 1)]
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{c}{r} filler text</t></is></c>'
                                              for c in letters) + "</row>" for r in range(2, 2902))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{rows}</sheetData></worksheet>").encode()
    assert len(sheet) < MAX_UNCOMPRESSED_BYTES and 2900 * MAX_SHEET_COLUMNS < MAX_CELLS
    heavy = path.with_name("heavy.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(heavy, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet12.xml" else src.read(info))
    return heavy


def test_a_read_that_needs_more_memory_than_allowed_is_refused_not_fatal(tmp_path: Path, ref: ReferenceData,
                                                                         year15: ProgrammeYear) -> None:
    path = _heavy(_workbook(tmp_path, ref, year15))
    read, findings = read_and_validate_isolated(path, ref=ref, memory_bytes=4_000_000)
    assert read.plan is None
    assert [f.rule for f in findings] == ["XL-TOO-LARGE"]
    assert "memory" in findings[0].message and findings[0].location.file == "heavy.xlsx"
    again, findings = read_and_validate_isolated(path, ref=ref)     # with the normal allowance it is read
    assert "XL-TOO-LARGE" not in {f.rule for f in findings}
    assert again.plan is not None


def test_a_read_that_takes_too_long_is_stopped(tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> None:
    path = _workbook(tmp_path, ref, year15)
    read, findings = read_and_validate_isolated(path, ref=ref, seconds=0.001)
    assert read.plan is None
    assert [f.rule for f in findings] == ["XL-TOO-LARGE"] and "seconds" in findings[0].message


def test_the_plan_service_reads_uploads_in_the_limited_worker(tmp_path: Path, ref: ReferenceData,
                                                              year15: ProgrammeYear,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from carepool.services import plans

    path = _heavy(_workbook(tmp_path, ref, year15))
    monkeypatch.setenv("CAREPOOL_WORKBOOK_MEMORY_MB", "4")
    check = plans.check_workbook(path)
    assert not check.ok and [f.rule for f in check.findings] == ["XL-TOO-LARGE"]
    monkeypatch.delenv("CAREPOOL_WORKBOOK_MEMORY_MB")
    assert plans.check_workbook(_workbook(tmp_path, ref, year15)).ok
