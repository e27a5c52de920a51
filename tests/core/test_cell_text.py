"""Formula injection: every CSV and Excel writer makes formula-like text inert (one helper)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.cell_text import is_code, is_formula_like, neutralise
from carepool.ledger.statements import Report
from carepool.money import Money

HOSTILE = ['=HYPERLINK("http://x.invalid","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_a_leading_quote(text: str) -> None:
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-12", "+3.5", "-1,234.50", "1e3", "plain text", "", 12, -3, None, "a=b"])
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize(("code", "ok"), [("P1", True), ("S-01/a", True), ("Scheme 12", True),
                                          ("=1+1", False), ("-P1", False), ("@x", False), ("", False),
                                          (" P1", False), ("x" * 41, False)])
def test_codes_follow_the_code_pattern(code: str, ok: bool) -> None:
    assert is_code(code) is ok


def _report() -> Report:
    return Report("Pool statement", ("pool", "line", "amount"),
                  (*((h, "income", Money(100)) for h in HOSTILE), ("P1", "-5", Money(-250))))


def test_ledger_report_csv_neutralises(tmp_path: Path) -> None:
    from carepool.exchange.ledger_reports import write_csv

    rows = list(csv.reader(write_csv(_report(), tmp_path / "r.csv").open(newline="", encoding="utf-8")))
    assert [r[0] for r in rows[1:-1]] == ["'" + h for h in HOSTILE]
    assert rows[-1] == ["P1", "-5", "-2.50"]


def test_ledger_report_excel_writes_text_as_text(tmp_path: Path) -> None:
    from carepool.exchange.ledger_reports import write_excel

    sheet = load_workbook(write_excel([_report()], tmp_path / "r.xlsx")).worksheets[0]
    cells = [sheet.cell(r, 1) for r in range(2, 2 + len(HOSTILE))]
    # XML turns a stored CR into LF on reading; the leading quote is what matters
    assert [c.value for c in cells] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert {c.data_type for c in cells} == {"s"}
    assert sheet.cell(2 + len(HOSTILE), 3).value == -2.5 and sheet.cell(2 + len(HOSTILE), 3).data_type == "n"


def test_budget_records_csv_neutralises(tmp_path: Path) -> None:
    from carepool.budgets.records import _write

    _write(tmp_path / "people.csv", ["person_id", "area_code"], [{"person_id": h, "area_code": "E1"} for h in HOSTILE])
    rows = list(csv.DictReader((tmp_path / "people.csv").open(newline="", encoding="utf-8")))
    assert [r["person_id"] for r in rows] == ["'" + h for h in HOSTILE]


def test_scorecard_csv_neutralises(tmp_path: Path) -> None:
    from carepool.demo.scorecard_step import _write_csv
    from carepool.services.scorecard import CardRow

    row = CardRow(area_code="E08000018", name=HOSTILE[0], rank=1, score=0.5, score_interval=None,
                  rank_interval=None, missing=("@x",), coverage=1.0)
    _write_csv(tmp_path / "scorecard.csv", [row])
    got = list(csv.DictReader((tmp_path / "scorecard.csv").open(newline="", encoding="utf-8")))
    assert got[0]["area"] == "'" + HOSTILE[0] and got[0]["missing"] == "'@x"


def test_shared_dataset_csv_neutralises() -> None:
    from carepool.services.sharing import _to_csv

    hostile = [h for h in HOSTILE if "\r" not in h]   # this file's lines end in \n alone
    text = _to_csv(["nhs_number", "name"], [{"nhs_number": "9434765919", "name": h} for h in hostile]).decode()
    assert [r["name"] for r in csv.DictReader(io.StringIO(text))] == ["'" + h for h in hostile]


def test_host_ledger_extract_neutralises_and_keeps_negative_amounts(tmp_path: Path) -> None:
    from carepool.demo.host_ledger import write_extract
    from carepool.ledger.reconcile import HostRow

    rows = [HostRow(2, HOSTILE[0], "5001", "2015-04", -12_345), HostRow(3, "BCF-P1", "9100", "2015-05", 100)]
    got = list(csv.reader(write_extract(rows, tmp_path / "host.csv").open(newline="", encoding="utf-8")))
    assert got[1][0] == "'" + HOSTILE[0] and got[1][3] == "-123.45"
    assert got[2][:4] == ["BCF-P1", "9100", "2015-05", "1.00"]
