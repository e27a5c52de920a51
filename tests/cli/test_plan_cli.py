"""The `carepool plan` commands end to end, as a user runs them."""

import json
from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.exchange.excel import read_plan_workbook
from carepool.reference import load_reference
from carepool.services import plans as svc
from carepool.store.db import open_store

runner = CliRunner()
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
GOOD = CORPUS / "good" / "plan-2015-16.xlsx"
AREA = "E06000038"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_template_then_validate_reports_missing_inputs(tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    result = invoke("plan", "template", "--area", "E08000025", "--year", "bcf-2016-17", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 10_000
    result = invoke("plan", "validate", str(out), "--json")
    assert result.exit_code == 3
    report = json.loads(result.output)
    assert report["ok"] is False and report["errors"] > 0
    assert all("sheet" in f["location"] or "file" in f["location"] for f in report["findings"])


def test_validate_good_workbook_exits_zero() -> None:
    result = invoke("plan", "validate", str(GOOD))
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_validate_bad_workbook_names_the_cell() -> None:
    result = invoke("plan", "validate", str(CORPUS / "bad" / "02-not-excel-png.xlsx"), "--json")
    assert result.exit_code == 3
    assert "not an Excel file" in result.output


def test_import_workflow_export_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "cp.db")
    assert invoke("plan", "import", str(GOOD), "--db", db, "--as", "finance").exit_code == 0
    bad = invoke("plan", "import", str(CORPUS / "bad" / "01-empty-file.xlsx"), "--db", db)
    assert bad.exit_code == 3 and "nothing is stored" not in bad.output.lower()
    record = svc.get_plan(open_store(db), AREA, "bcf-2015-16")
    partners = [p.code for p in record.plan.partners if p.kind in ("la", "ccg")]
    assert len(partners) >= 2, "the council and at least one CCG sign"
    for partner in partners:
        r = invoke("plan", "signoff", "--area", AREA, "--partner", partner, "--db", db, "--as", f"lead {partner}")
        assert r.exit_code == 0, r.output
    early = invoke("plan", "assure", "--area", AREA, "--outcome", "approved", "--db", db)
    assert early.exit_code == 5 and "only a submitted plan" in early.output
    assert invoke("plan", "signoff", "--area", AREA, "--hwb", "--db", db, "--as", "chair").exit_code == 0
    assert invoke("plan", "submit", "--area", AREA, "--db", db, "--as", "chair").exit_code == 0
    r = invoke("plan", "assure", "--area", AREA, "--outcome", "approved subject to conditions",
               "--conditions", "Seven-day services by Q3", "--db", db, "--as", "assurer")
    assert r.exit_code == 0 and "assured" in r.output
    listed = json.loads(invoke("plan", "list", "--db", db, "--json").output)
    assert listed == [{"area": AREA, "year": "bcf-2015-16", "version": 1, "status": "assured",
                       "pooled": record.plan.pooled_total.plain(), "illustrative": True}]
    history = invoke("plan", "history", "--area", AREA, "--db", db)
    assert "assurer" in history.output and "submitted" in history.output
    out = tmp_path / "export.xlsx"
    assert invoke("plan", "export", "--area", AREA, "--out", str(out), "--db", db).exit_code == 0
    again = read_plan_workbook(out, ref=load_reference())
    assert again.plan == record.plan
    # re-importing the export makes version 2 (a submitted plan is never edited in place)
    assert invoke("plan", "import", str(out), "--db", db).exit_code == 0
    assert svc.get_plan(open_store(db), AREA, "bcf-2015-16").version == 2


def test_unknown_area_is_a_clear_error(tmp_path: Path) -> None:
    r = invoke("plan", "template", "--area", "E99999999", "--out", str(tmp_path / "x.xlsx"))
    assert r.exit_code == 4 and "unknown HWB area code 'E99999999'" in r.output


def test_db_env_var(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "env.db"
    monkeypatch.setenv("CAREPOOL_DB", str(db))
    assert invoke("plan", "import", str(GOOD)).exit_code == 0
    assert db.exists()
