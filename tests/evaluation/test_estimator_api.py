"""The estimators' shared API: one set of choices and defaults, honest headlines, periods, summary()."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carepool.cli import evaluate as cli
from carepool.cli.main import app
from carepool.errors import InputError
from carepool.evaluation import Panel, build_panel, callaway_santanna, interrupted_time_series, synthetic_control
from carepool.evaluation.choices import AGGREGATIONS, DEFAULTS, ERRORS, FAMILIES

runner = CliRunner()


def _cli_default(command: Any, name: str) -> Any:
    return inspect.signature(command).parameters[name].default.default


def _lib_default(function: Any, name: str) -> Any:
    return inspect.signature(function).parameters[name].default


@pytest.mark.parametrize(("command", "option", "function", "keyword"), [
    (cli.did, "control", callaway_santanna, "control"),
    (cli.did, "aggregate", callaway_santanna, "aggregation"),
    (cli.did, "bootstrap", callaway_santanna, "bootstrap"),
    (cli.did, "method", callaway_santanna, "method"),
    (cli.its, "family", interrupted_time_series, "family"),
    (cli.its, "seasonality", interrupted_time_series, "seasonality"),
    (cli.its, "errors", interrupted_time_series, "errors"),
    (cli.its, "hac_lags", interrupted_time_series, "hac_lags"),
    (cli.scm, "placebos", synthetic_control, "placebos"),
    (cli.scm, "leave_one_out", synthetic_control, "leave_one_out"),
])
def test_the_cli_and_the_library_share_every_default(command: Any, option: str, function: Any, keyword: str) -> None:
    assert _cli_default(command, option) == _lib_default(function, keyword)


def _series() -> tuple[list[str], np.ndarray]:
    months = list(pd.period_range("2013-04", "2016-03", freq="M").strftime("%Y-%m"))
    rng = np.random.default_rng(4)
    return months, rng.poisson(200, len(months)).astype(float)


@pytest.mark.parametrize(("keyword", "allowed"), [("family", FAMILIES), ("errors", ERRORS)])
def test_an_unknown_choice_is_refused_with_the_allowed_ones(keyword: str, allowed: tuple[str, ...]) -> None:
    months, y = _series()
    with pytest.raises(InputError) as caught:
        interrupted_time_series(months, y, "2015-04", **{keyword: "binomial"})
    assert str(caught.value) == f"{keyword} must be one of {', '.join(allowed)}, not 'binomial'"


def test_did_refuses_an_unknown_aggregation_and_picks_its_method_from_the_covariates(mpdta: Panel) -> None:
    with pytest.raises(InputError, match=f"aggregation must be one of {', '.join(AGGREGATIONS)}, not 'cohort'"):
        callaway_santanna(mpdta, aggregation="cohort")
    assert callaway_santanna(mpdta).method == "unconditional"
    assert callaway_santanna(mpdta, covariates=["lpop"]).method == "doubly-robust"


def test_effects_are_labelled_by_period_not_column(mpdta: Panel) -> None:
    by_group = callaway_santanna(mpdta, aggregation="group").to_frame()
    assert list(by_group.columns) == ["period", "effect", "se", "ci_low", "ci_high"]
    assert by_group["period"].tolist() == [2004, 2006, 2007]          # the cohorts' first treated years
    calendar = callaway_santanna(mpdta, aggregation="calendar").to_frame()
    assert calendar["period"].tolist() == [2004, 2005, 2006, 2007]
    dynamic = callaway_santanna(mpdta, aggregation="dynamic").to_frame()
    assert dynamic["period"].tolist() == [-3, -2, -1, 0, 1, 2, 3]     # event time
    assert DEFAULTS["aggregation"] == "simple"


def test_summary_leads_with_the_estimate_used_and_its_basis(mpdta: Panel) -> None:
    boot = callaway_santanna(mpdta, aggregation="dynamic", bootstrap=199)
    first = boot.summary().splitlines()[0]
    assert first.startswith("ATT (dynamic, unconditional, never-treated comparison): effect ")
    assert f"SE {boot.estimate.se:.4g} (multiplier bootstrap, 199 draws)" in first
    assert f"{boot.analytic_se:.4g}" not in first
    months, y = _series()
    its = interrupted_time_series(months, y, "2015-04")
    assert its.summary().splitlines()[0].startswith("level change at 2015-04 (log rate ratio): effect ")
    assert "(latent AR(1), REML)" in its.summary()
    assert its.to_frame()["period"].tolist() == months[months.index("2015-04"):]


def test_the_cli_prints_the_results_own_summary(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = [{"area": f"A{i:02d}", "year": year, "y": 10 + i + 0.5 * year + rng.normal(0, 0.3)
             + (2.0 if i < 4 and year >= 2016 else 0), "cohort": 2016 if i < 4 else 0}
            for i in range(14) for year in range(2011, 2019)]
    path = tmp_path / "panel.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    res = runner.invoke(app, ["evaluate", "did", str(path), "--unit", "area", "--time", "year", "--outcome", "y",
                              "--cohort", "cohort", "--aggregate", "dynamic"])
    assert res.exit_code == 0, res.output
    panel = build_panel(path, unit="area", time="year", outcome="y", start="cohort")
    expected = callaway_santanna(panel, aggregation="dynamic").summary()
    assert res.stdout.strip() == expected.strip()
