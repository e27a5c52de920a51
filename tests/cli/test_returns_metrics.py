"""`carepool returns template|submit|collect` for a 2025-26 plan: the workbook's metrics, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.exchange.excel.return_workbook import METRICS
from carepool.store.db import open_store
from tests.services.test_return_metrics import AREA, HEADLINE, YEAR, assure_2025

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_template_fill_submit_and_collect(tmp_path: Path) -> None:
    db = str(tmp_path / "carepool.db")
    store = open_store(db)
    assure_2025(store)
    store.dispose()
    book = tmp_path / "q3.xlsx"
    result = invoke("returns", "template", AREA, "--year", YEAR, "--period", "2025Q3", "--out", str(book), "--db", db)
    assert result.exit_code == 0, result.output
    wb = load_workbook(book)
    for r, value in zip(range(4, 7), (301.5, None, 14.0), strict=True):
        wb[METRICS].cell(r, 5).value = value
        wb[METRICS].cell(r, 9).value = "No" if value is None else "Yes"
    for r in range(4, 7):
        wb["Conditions"].cell(r, 3).value = "Yes"
    wb.save(book)
    refused = invoke("returns", "submit", str(book), "--db", db, "--json")
    assert refused.exit_code == 3
    where = {(f["rule"], f["location"].get("sheet"), f["location"].get("cell"))
             for f in json.loads(refused.output)["findings"]}
    assert {("return.metric-missing", METRICS, "E5"), ("return.metric-narrative", METRICS, "J5")} <= where

    wb[METRICS]["E5"], wb[METRICS]["J5"] = 3.5, "Care-home capacity short in November."
    wb.save(book)
    stored = invoke("returns", "submit", str(book), "--db", db, "--as", "lead@trafford.test")
    assert stored.exit_code == 0, stored.output
    text = " ".join(stored.output.split())
    assert "stored E08000009 2025-26 Q3 return version 1" in text
    assert all(f"{code}: actual" in text for code in HEADLINE) and "not on track" in text

    rows = json.loads(invoke("returns", "collect", "--year", YEAR, "--period", "2025-26 Q3", "--db", db,
                             "--json").output)
    assert [(r["area_code"], r["metric"], r["actual"], r["source"]) for r in rows] == [
        (AREA, "emergency_admissions", 301.5, "entered"), (AREA, "discharge_delay_average", 3.5, "entered"),
        (AREA, "long_term_care_admissions_65", 14.0, "entered")]
    assert all(r["goal"] is not None for r in rows)
    table = invoke("returns", "collect", "--year", YEAR, "--period", "2025Q3", "--db", db)
    assert "discharge_delay_average" in table.output
    listed = invoke("returns", "list", AREA, "--year", YEAR, "--db", db)
    assert listed.exit_code == 0 and "2025-26 Q3" in listed.output
