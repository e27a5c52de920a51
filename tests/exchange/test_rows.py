"""The one reader of "a table with a header row" (payments file, host ledger extract and mapping)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from carepool.errors import InputError
from carepool.exchange.rows import header_and_rows, read_rows

ROWS = [["Date", " Scheme ", "Amount"], ["2015-07-01", "Reablement", "10.00"], ["", "", ""],
        ["2015-08-01", "Falls", "5.50"]]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text("\ufeff" + "\n".join(",".join(r) for r in ROWS) + "\n", encoding="utf-8")
    return path


def _xlsx(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append([v or None for v in row])
    path = tmp_path / "t.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_header_is_row_1_and_a_blank_row_keeps_its_number(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    rows = list(read_rows(make(tmp_path)))
    assert rows == [(1, {"date": "", "scheme": "", "amount": ""}),
                    (2, {"date": "2015-07-01", "scheme": "Reablement", "amount": "10.00"}),
                    (4, {"date": "2015-08-01", "scheme": "Falls", "amount": "5.50"})]


def test_the_caller_names_the_columns(tmp_path: Path) -> None:
    header, rows = header_and_rows(_csv(tmp_path), lambda h: str(h).strip().upper())
    assert list(header) == ["DATE", "SCHEME", "AMOUNT"]
    assert [n for n, _ in rows] == [2, 4]


def test_an_empty_file_has_no_columns_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    header, rows = header_and_rows(path)
    assert header == {} and list(rows) == []


@pytest.mark.parametrize(("name", "content", "says"), [
    ("bad.xlsx", b"not a workbook", "cannot read the workbook"),
    ("bad.csv", b"date\n\xff\xfe\x00", "cannot read the file"),
])
def test_an_unreadable_file_is_an_input_error_naming_it(tmp_path: Path, name: str, content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=says) as caught:
        list(read_rows(path))
    assert caught.value.where == name
