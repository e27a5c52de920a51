"""`carepool ledger reconcile`: exit 0 only when the host's ledger and the pool's books agree."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.demo.host_ledger import extract_rows, host_codes, write_extract, write_mapping
from carepool.ledger import financial_year
from carepool.services import ledger as svc
from carepool.store.db import open_store
from tests.ledger.helpers import assured_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
runner = CliRunner()
AREA = "E08000018"


def test_reconcile_agrees_then_finds_a_difference_then_refuses_a_bad_file(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    store = open_store(db)
    plans = assured_store(store)
    svc.post_contributions(store, "bcf-2015-16")
    svc.import_spend(store, FIXTURES / "payments_good.csv")
    books = svc.area_transactions(store, AREA)
    store.dispose()
    rows = extract_rows(plans[AREA], books, financial_year(2015))
    mapping = write_mapping(host_codes(plans[AREA]), tmp_path / "map.csv")
    args = ["--area", AREA, "--year", "2015-16", "--mapping", str(mapping), "--db", db]

    agreed = runner.invoke(app, ["ledger", "reconcile", str(write_extract(rows, tmp_path / "host.csv")), *args])
    assert agreed.exit_code == 0, agreed.output
    assert "0 differ" in agreed.output and "2 extract row(s) are not the pool's" in agreed.output

    last = rows[-3]                        # the last of the pool's rows: a mistyped amount in the host
    wrong = [r if r is not last else type(r)(r.row, r.cost_centre, r.account, r.month, r.pence + 10_00)
             for r in rows]
    differs = runner.invoke(app, ["ledger", "reconcile", str(write_extract(wrong, tmp_path / "host2.csv")),
                                  *args])
    assert differs.exit_code == 1, differs.output
    assert "difference £10.00" in differs.output and str(last.row) in differs.output

    bad = tmp_path / "bad.csv"
    bad.write_text("cost_centre,account,period,amount\nBCF-P1,5001,P13,oops\n", encoding="utf-8")
    refused = runner.invoke(app, ["ledger", "reconcile", str(bad), *args])
    assert refused.exit_code == 3
    assert "bad.csv" in refused.output and "period" in refused.output and "amount" in refused.output
    assert len(svc.area_transactions(open_store(db), AREA)) == len(books)     # nothing stored
