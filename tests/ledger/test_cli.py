"""The `carepool ledger` and `carepool performance` commands on an SQLite store."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.common import db_url
from carepool.cli.main import app
from carepool.services import ledger as svc
from carepool.store.db import open_store
from tests.ledger.helpers import assured_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
runner = CliRunner()


def _export(db: str, tmp_path: Path) -> str:
    out = tmp_path / "early.beancount"
    assert runner.invoke(app, ["ledger", "export", "--out", str(out), "--db", db]).exit_code == 0
    return out.read_text()


def test_the_year_through_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    store = open_store(db)
    plans = assured_store(store)
    store.dispose()
    result = runner.invoke(app, ["ledger", "post-contributions", "--grant-received", "la-dfg=2015-09-01",
                                 "--db", db])
    assert result.exit_code == 0, result.output
    assert "2 area(s)" in result.output
    assert "2015-09-01 * \"E08000018 la-dfg capital grant\"" in _export(db, tmp_path)

    bad = runner.invoke(app, ["ledger", "import-spend", str(FIXTURES / "payments_bad.csv"), "--db", db])
    assert bad.exit_code == 3
    good = runner.invoke(app, ["ledger", "import-spend", str(FIXTURES / "payments_good.csv"), "--db", db])
    assert good.exit_code == 0 and "posted 4 payment(s)" in good.output

    admissions = tmp_path / "adm.csv"
    admissions.write_text("area_code,quarter,admissions\n" + "".join(
        f"{a},2015Q1,{p.ambition.baseline_quarters[0] - 10}\n" for a, p in plans.items()), encoding="utf-8")
    run = runner.invoke(app, ["performance", "run", "--quarter", "2015Q1", "--admissions", str(admissions),
                              "--db", db])
    assert run.exit_code == 0, run.output
    assert "released £29,800.00" in run.output   # 2 areas x 10 admissions avoided x £1,490

    bad_adm = runner.invoke(app, ["performance", "run", "--quarter", "2015Q2", "--admissions",
                                  str(FIXTURES / "admissions_bad.csv"), "--db", db])
    assert bad_adm.exit_code == 3

    tb = runner.invoke(app, ["ledger", "trial-balance", "--db", db])
    assert tb.exit_code == 0 and "pool(s) balanced" in tb.output
    csv_out = tmp_path / "statement.csv"
    st = runner.invoke(app, ["ledger", "statement", "--area", "E08000018", "--format", "excel",
                             "--out", str(tmp_path / "s.xlsx"), "--db", db])
    assert st.exit_code == 0 and (tmp_path / "s.xlsx").stat().st_size > 0
    st = runner.invoke(app, ["ledger", "trial-balance", "--format", "csv", "--out", str(csv_out), "--db", db])
    assert st.exit_code == 0 and csv_out.read_text().startswith("area,pool,account,debit,credit")

    share = ["ledger", "risk-share", "--area", "E06000001", "--pool", "P1", "--kind", "proportional", "--db", db]
    assert runner.invoke(app, [*share, "--carry-forward", "101"]).exit_code != 0
    kept = runner.invoke(app, [*share, "--carry-forward", "50"])
    assert kept.exit_code == 0 and "50% of an underspend kept in the pool" in kept.output
    settle = runner.invoke(app, ["ledger", "settle", "--year", "2015-16", "--db", db])
    assert settle.exit_code == 0, settle.output
    assert "settled 4 pool(s)" in settle.output
    keys = {t.key for t in svc.area_transactions(open_store(db_url(db)), "E06000001")}
    assert {"carry:bcf-2015-16:E06000001:P1", "open:2016-17:E06000001:P1"} <= keys   # 50% kept, opens 2016-17
    for fmt, name in (("csv", "ye.csv"), ("excel", "ye.xlsx")):
        written = runner.invoke(app, ["ledger", "year-end", "--area", "E06000001", "--format", fmt,
                                      "--out", str(tmp_path / name), "--db", db])
        assert written.exit_code == 0, written.output
    assert (tmp_path / "ye.csv").read_text().startswith("section,pool,item,detail,fund,amount")
    assert "Carried forward,P1,opens next year's books on 2016-04-01" in (tmp_path / "ye.csv").read_text()
    out = tmp_path / "books.beancount"
    exported = runner.invoke(app, ["ledger", "export", "--format", "beancount", "--out", str(out),
                                   "--area", "E06000001", "--db", db])
    assert exported.exit_code == 0 and "Assets:E06000001:P1:Fund" in out.read_text()
    assert "E08000018" not in out.read_text()
