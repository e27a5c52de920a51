"""`carepool returns submit` and `carepool returns list`, as a finance lead runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn
from carepool.plans.quarterly_return_json import return_to_dict
from carepool.programme import load_programme
from carepool.services import ledger, returns
from carepool.store.db import open_store
from tests.ledger.helpers import assured_store

runner = CliRunner()
YEAR = "bcf-2015-16"
AREA = "E08000018"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _setup(tmp_path: Path) -> tuple[str, dict[str, object]]:
    db = str(tmp_path / "carepool.db")
    store = open_store(db)
    plan = assured_store(store, (AREA,))[AREA]
    ledger.post_contributions(store, YEAR)
    pools, schemes = returns.finance_to_date(store, plan, "2015Q1")
    store.dispose()
    ret = QuarterlyReturn(AREA, YEAR, "2015Q1", pools, schemes, plan.ambition.baseline_quarters[0] - 25, 800,
                          tuple(ConditionAnswer(c.id, True) for c in load_programme(YEAR).conditions), "On plan.")
    data = return_to_dict(ret)
    # people write pounds: the documented shape takes them as well as whole pence
    for line in data["pools"]:  # type: ignore[attr-defined]
        pence = line.pop("income_to_date_pence")
        line["income_to_date"] = f"{pence // 100}.{pence % 100:02d}"
    return db, data


def test_submit_then_list(tmp_path: Path) -> None:
    db, data = _setup(tmp_path)
    file = tmp_path / "q1.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("returns", "submit", str(file), "--db", db, "--as", "la-lead@rotherham.test")
    assert result.exit_code == 0, result.output
    assert "stored E08000018 2015-16 Q1 return version 1 (late; due 2015-08-28)" in " ".join(result.output.split())
    assert "25 avoided" in result.output

    result = invoke("returns", "submit", str(file), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["stored"] is True and out["version"] == 2 and out["on_time"] is False
    assert [f["rule"] for f in out["findings"]] == ["return.late"]

    listed = json.loads(invoke("returns", "list", AREA, "--db", db, "--json").output)
    assert [(r["quarter"], r["version"], r["submitted_by"]) for r in listed[:1]] == [
        ("2015Q1", 1, "la-lead@rotherham.test")]
    table = invoke("returns", "list", "e08000018", "--db", db)
    assert table.exit_code == 0 and "2015-16 Q1" in table.output


def test_findings_exit_3_and_name_the_file_and_field(tmp_path: Path) -> None:
    db, data = _setup(tmp_path)
    data["non_elective_admissions"] = "many"
    data["conditions"] = []
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("returns", "submit", str(file), "--db", db, "--json")
    assert result.exit_code == 3
    out = json.loads(result.output)
    assert out["stored"] is False
    found = {(f["rule"], f["location"].get("field")) for f in out["findings"]}
    assert ("return.count", "admissions") in found and ("return.condition-missing", "conditions.NC1") in found
    location = next(f["location"] for f in out["findings"] if f["rule"] == "return.count")
    assert location == {"file": "bad.json", "field": "admissions"}

    broken = tmp_path / "broken.json"
    broken.write_text("{\n  \"quarter\": \n}", encoding="utf-8")
    result = invoke("returns", "submit", str(broken), "--db", db)
    assert result.exit_code == 3 and "broken.json" in result.output and "line 3" in result.output
    assert json.loads(invoke("returns", "list", AREA, "--db", db, "--json").output) == []
    assert invoke("returns", "submit", str(tmp_path / "missing.json"), "--db", db).exit_code == 2
