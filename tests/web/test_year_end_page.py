"""The pool manager's year-end page and its CSV and Excel downloads (formula-like text stays text)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from carepool.services import ledger
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OWN, YEAR, assure_plan, log_in, settings


def test_the_pool_manager_reads_and_downloads_the_year_end(web_store: Store, workbooks: dict[str, Path],
                                                           tmp_path: Path) -> None:
    assure_plan(web_store, workbooks["valid"])
    ledger.post_contributions(web_store, YEAR)
    payments = tmp_path / "pay.csv"
    payments.write_text("date,area,scheme,provider,amount,reference\n"
                        f"2015-06-01,{OWN},S01,=cmd|' /C calc'!A0,1234.56,P-1\n", encoding="utf-8")
    ledger.import_spend(web_store, payments)
    ledger.settle(web_store, YEAR)
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        log_in(client, BY_KEY["pool_manager"].email)
        page = client.get(f"/areas/{OWN}/ledger/year-end")
        assert page.status_code == 200
        for title in ("Income by partner and stream", "Expenditure by scheme and provider",
                      "Capital (a separate fund)", "Risk-share settlement (revenue)", "Carried forward"):
            assert title in page.text
        assert "Rotherham Council" in page.text and "la-dfg" in page.text
        assert f'href="/areas/{OWN}/ledger/year-end.xlsx"' in page.text
        assert "/ledger/year-end" in client.get(f"/areas/{OWN}").text      # linked from the area page

        rows = list(csv.reader(io.StringIO(client.get(f"/areas/{OWN}/ledger/year-end.csv").text)))
        assert rows[0] == ["section", "pool", "item", "detail", "fund", "amount"]
        spend = [r for r in rows if r[0] == "Expenditure by scheme and provider" and r[2].startswith("S01")]
        assert spend == [["Expenditure by scheme and provider", "P1", spend[0][2], "'=cmd|' /C calc'!A0",
                          "revenue", "1234.56"]]

        xlsx = client.get(f"/areas/{OWN}/ledger/year-end.xlsx")
        assert xlsx.status_code == 200
        out = tmp_path / "y.xlsx"
        out.write_bytes(xlsx.content)
        book = load_workbook(out)
        assert len(book.worksheets) == 5
        cells = [c for row in book.worksheets[1].iter_rows() for c in row if c.value == "'=cmd|' /C calc'!A0"]
        assert cells and all(c.data_type == "s" for c in cells)
        assert not any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_a_partner_lead_may_not_and_an_empty_pool_says_so(web_store: Store, workbooks: dict[str, Path]) -> None:
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        log_in(client, BY_KEY["la_lead"].email)
        assert client.get(f"/areas/{OWN}/ledger/year-end").status_code == 403
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        log_in(client, BY_KEY["auditor"].email)
        page = client.get(f"/areas/{OWN}/ledger/year-end")
        assert page.status_code == 200 and "no ledger entries" in page.text
