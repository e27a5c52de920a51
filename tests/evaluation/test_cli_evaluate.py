"""`carepool evaluate ...`: JSON results for analysts' own files, clear errors for bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import moderndid as md
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carepool.cli.main import app

runner = CliRunner()


@pytest.fixture()
def panel_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(12):
        level, cohort = rng.uniform(50, 100), ("2015-04" if i < 4 else "")
        for j, month in enumerate(pd.period_range("2013-04", "2016-03", freq="M").strftime("%Y-%m")):
            y = level + 0.5 * j + rng.normal(0, 1) + (8 if cohort and month >= cohort else 0)
            rows.append({"area": f"A{i:02d}", "month": month, "admissions": round(y, 3), "cohort": cohort})
    path = tmp_path / "panel.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_scm_json_carries_weights_effects_and_inference(panel_csv: Path) -> None:
    res = runner.invoke(app, ["evaluate", "scm", str(panel_csv), "--unit", "area", "--time", "month",
                              "--outcome", "admissions", "--treated", "A00", "--start", "2015-04",
                              "--predictor", "admissions:2013-04-2014-03:mean",
                              "--predictor", "admissions:2014-04-2015-03:mean",
                              "--fit-period", "2013-04-2015-03", "--placebos", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    fit = out["fits"][0]
    assert sum(fit["weights"].values()) == pytest.approx(1.0)
    assert out["estimate"]["effect"] == pytest.approx(8, abs=3)
    assert out["estimate"]["p_value"] is not None and out["estimate"]["ci_low"] is not None
    assert len(out["effects_by_period"]) == 36
    assert out["mode"] == "predictors" and len(fit["v_weights"]) == 2


@pytest.fixture(scope="module")
def mpdta_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """R did's mpdta (moderndid's package data) as the CSV an analyst would pass."""
    path = tmp_path_factory.mktemp("mpdta") / "mpdta.csv"
    md.load_mpdta().to_pandas().to_csv(path, index=False)
    return path


def test_did_json_matches_reference_on_mpdta(mpdta_csv: Path) -> None:
    res = runner.invoke(app, ["evaluate", "did", str(mpdta_csv), "--unit", "countyreal",
                              "--time", "year", "--outcome", "lemp", "--cohort", "first.treat",
                              "--control", "notyet", "--aggregate", "dynamic", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = md.aggte(md.att_gt(data=md.load_mpdta(), yname="lemp", tname="year", idname="countyreal",
                             gname="first.treat", control_group="notyettreated", boot=False),
                   type="dynamic", boot=False)
    assert out["estimate"]["effect"] == pytest.approx(float(ref.overall_att), abs=1e-10)
    assert out["estimate"]["se"] == pytest.approx(float(ref.overall_se), abs=1e-8)
    assert [e["period"] for e in out["effects_by_period"]] == [int(e) for e in ref.event_times]
    assert len(out["group_time"]) == 12


def test_did_with_covariate_defaults_to_doubly_robust(mpdta_csv: Path) -> None:
    res = runner.invoke(app, ["evaluate", "did", str(mpdta_csv), "--unit", "countyreal",
                              "--time", "year", "--outcome", "lemp", "--cohort", "first.treat",
                              "--covariate", "lpop", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["method"] == "doubly-robust"
    ref = md.att_gt(data=md.load_mpdta(), yname="lemp", tname="year", idname="countyreal",
                    gname="first.treat", xformla="~lpop", est_method="dr", boot=False)
    assert out["group_time"][0][2] == pytest.approx(float(ref.att_gt[0]), abs=1e-9)


def test_its_json_reports_rate_ratio(tmp_path: Path) -> None:
    months = pd.period_range("2012-04", "2017-03", freq="M").strftime("%Y-%m")
    rng = np.random.default_rng(3)
    y = rng.poisson(1000 * np.where(np.arange(60) >= 36, 0.8, 1.0))
    path = tmp_path / "series.csv"
    pd.DataFrame({"month": months, "admissions": y, "population": 250_000}).to_csv(path, index=False)
    res = runner.invoke(app, ["evaluate", "its", str(path), "--time", "month", "--outcome", "admissions",
                              "--start", "2015-04", "--offset", "population", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["rate_ratio"]["effect"] == pytest.approx(0.8, abs=0.03)
    assert len(out["effects_by_period"]) == 24


def test_planned_vs_actual_reads_plans(tmp_path: Path) -> None:
    plans = tmp_path / "plans.csv"
    plans.write_text("area_code,planned_reduction,delayed_days_reduction\nE08000021,500,1000\n",
                     encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "planned-vs-actual", "--plans", str(plans), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["rows"][1]["actual_change"] == 184610
    assert out["rows"][0]["planned_change"] == -500
    text = runner.invoke(app, ["evaluate", "planned-vs-actual"])
    assert text.exit_code == 0 and "+184,610" in text.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--outcome", "cost"], "missing column(s) cost"),
    (["--outcome", "admissions", "--treated", "Z99"], "unit 'Z99' is not in the panel"),
])
def test_bad_input_exits_non_zero_naming_the_problem(panel_csv: Path, args: list[str], message: str) -> None:
    base = ["evaluate", "scm", str(panel_csv), "--unit", "area", "--time", "month", "--start", "2015-04"]
    if "--treated" not in args:
        args = [*args, "--treated", "A00"]
    res = runner.invoke(app, base + args)
    assert res.exit_code == 2
    assert message in " ".join(res.output.split())
