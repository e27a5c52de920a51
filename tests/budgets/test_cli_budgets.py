from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.budgets.rules_file import DEFAULT_RULES
from carepool.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("budgets-demo")
    result = runner.invoke(app, ["budgets", "demo", "--areas", "Leeds,E06000023", "--people", "60", "--out", str(out),
                                 "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "ILLUSTRATIVE" in result.output
    return out


def test_demo_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["budgets", "demo", "--areas", "cambridgeshire", "--people", "10", "--out",
                                 str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["people"] == 10 and data["illustrative"] is True


def test_demo_refuses_unknown_area(tmp_path: Path) -> None:
    result = runner.invoke(app, ["budgets", "demo", "--areas", "Atlantis", "--people", "5", "--out", str(tmp_path)])
    assert result.exit_code == 4
    assert "Atlantis" in result.output


def test_check_rules_accepts_a_sound_agreement() -> None:
    result = runner.invoke(app, ["budgets", "check-rules", str(DEFAULT_RULES)])
    assert result.exit_code == 0, result.output
    assert "sound" in result.output


def test_check_rules_refuses_overlaps_and_gaps(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("id: x\ncategories: [a, b, c]\nrules:\n  - {id: R1, kind: health-led, categories: [a, b]}\n"
                    "  - {id: R2, kind: care-led, categories: [b]}\n", encoding="utf-8")
    result = runner.invoke(app, ["budgets", "check-rules", str(path)])
    assert result.exit_code == 3
    assert "who-pays.overlap" in result.output and "who-pays.gap" in result.output


def test_statement_and_alerts(demo_dir: Path) -> None:
    result = runner.invoke(app, ["budgets", "statement", "--person", "P00001", "--data", str(demo_dir), "--json"])
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["person_id"] == "P00001" and s["lines"] and "illustrative" in s["note"]
    table = runner.invoke(app, ["budgets", "statement", "--person", "P00001", "--data", str(demo_dir)])
    assert table.exit_code == 0 and "version 1" in table.output
    alerts = runner.invoke(app, ["budgets", "alerts", "--data", str(demo_dir), "--over", "0", "--json"])
    assert alerts.exit_code == 0
    loose = runner.invoke(app, ["budgets", "alerts", "--data", str(demo_dir), "--over", "500", "--under", "100",
                                "--json"])
    assert len(json.loads(loose.output)["alerts"]) < len(json.loads(alerts.output)["alerts"])


def test_statement_errors(demo_dir: Path, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["budgets", "statement", "--person", "P99999", "--data", str(demo_dir)])
    assert missing.exit_code == 4
    no_data = runner.invoke(app, ["budgets", "statement", "--person", "P00001", "--data", str(tmp_path)])
    assert no_data.exit_code == 2
    bad_date = runner.invoke(app, ["budgets", "alerts", "--data", str(demo_dir), "--as-of", "soon"])
    assert bad_date.exit_code == 2


def test_cohorts() -> None:
    result = runner.invoke(app, ["budgets", "cohorts", "--json"])
    assert result.exit_code == 0
    assert [c["id"] for c in json.loads(result.output)] == ["older-frailty", "children-complex",
                                                            "learning-disability", "serious-mental-illness"]
