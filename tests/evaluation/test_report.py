"""The evidence report: a verdict computed from a rule fixed in advance, and a self-contained page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.evaluation.its import interrupted_time_series
from carepool.evaluation.national import national_evaluation
from carepool.evaluation.real_panels import months_between
from carepool.evaluation.report import (
    DO_NOT_EXTEND,
    EXTEND,
    NOT_YET_KNOWN,
    DecisionRule,
    build_report,
    decide,
)
from carepool.money import Money

MONTHS = months_between("2012-04", "2017-03")


def _its(ratio: float, noise: float, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    t = np.arange(60)
    mu = 470_000 * np.exp(0.002 * t + np.log(ratio) * (t >= 36) + rng.normal(0, noise, 60))
    return interrupted_time_series(MONTHS, rng.poisson(mu).astype(float), "2015-04", seasonality="none")


def test_verdict_follows_the_rule() -> None:
    rule = DecisionRule()
    assert decide(_its(0.90, 0.002), rule).decision == EXTEND            # ~560k avoided, worth £800m+
    assert decide(_its(1.08, 0.002), rule).decision == DO_NOT_EXTEND     # admissions rose
    small = _its(0.995, 0.002)
    assert decide(small, rule).decision == DO_NOT_EXTEND                 # cannot be worth £253m
    assert decide(small, DecisionRule(performance_sum=Money.pounds(1_000_000))).decision != DO_NOT_EXTEND
    assert decide(_its(0.97, 0.05), rule).decision == NOT_YET_KNOWN      # too noisy to tell


def test_verdict_value_uses_the_unit_cost() -> None:
    v = decide(_its(0.90, 0.002), DecisionRule())
    assert v.avoided_low < v.avoided < v.avoided_high
    assert v.value_low == Money.from_decimal_rounded(Decimal(str(round(v.avoided_low, 6))) * Decimal(1490))


def test_report_on_real_series_is_self_contained() -> None:
    report = build_report(national_evaluation(metrics=("emergency_admissions", "delayed_days")))
    html = report.html
    assert report.verdict.decision in (EXTEND, DO_NOT_EXTEND, NOT_YET_KNOWN)
    assert f"Verdict: <b>{report.verdict.decision.upper()}</b>" in html
    for heading in ("Question", "Decision rule (fixed before the results)", "Data", "Methods", "Caveats"):
        assert f"<h2>{heading}</h2>" in html
    assert "real published data" in html and "Regression to the mean" in html
    assert html.count("<svg") == 2                   # one ITS chart per metric
    assert not re.search(r"(src|href)=\"https?://", html)   # nothing fetched: readable offline


def test_cli_writes_report_with_dose_contrast(tmp_path: Path) -> None:
    from carepool.reference import load_reference
    ref = load_reference()
    ranked = sorted(ref.areas, key=lambda a: ref.areas[a].population_all_ages)
    doses = tmp_path / "doses.csv"
    doses.write_text("area_code,dose\n" + "".join(f"{a},{0.1 + 0.3 * i / 151:.4f}\n"
                                                 for i, a in enumerate(ranked)), encoding="utf-8")
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["evaluate", "report", "--out", str(out), "--doses", str(doses),
                                   "--doses-basis", "illustrative test doses", "--exposure", "none"])
    assert res.exit_code == 0, res.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "illustrative test doses" in html and "Synthetic control" in html and "Event study" in html
    assert html.count("Demonstration, not evidence: doses illustrative test doses") == 4   # labelled per metric
    assert html.count("<svg") == 16               # 4 metrics x (ITS, SCM gaps, placebo ratios, event study)
    bad = tmp_path / "bad.csv"
    bad.write_text("area_code,dose\nE06000001,lots\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["evaluate", "report", "--out", str(out), "--doses", str(bad)])
    assert res.exit_code == 2 and "dose 'lots' is not a number" in " ".join(res.output.split())


@pytest.mark.parametrize("confidence", ["1.5", "0.2"])
def test_cli_refuses_nonsense_confidence(tmp_path: Path, confidence: str) -> None:
    res = CliRunner().invoke(app, ["evaluate", "report", "--out", str(tmp_path), "--confidence", confidence])
    assert res.exit_code == 2
