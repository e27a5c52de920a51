"""Callaway & Sant'Anna DiD against R's did package on mpdta, and by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carepool.errors import InputError
from carepool.evaluation.did import aggregate, att_gt, callaway_santanna
from carepool.evaluation.panel import Panel, build_panel
from tests.evaluation.conftest import FIXTURES

# R did's att_gt/aggte output on mpdta (bstrap=FALSE), see tests/fixtures/evaluation/README.md.
REF_ATT = pd.read_csv(FIXTURES / "did_r_attgt.csv")
REF_AGG = pd.read_csv(FIXTURES / "did_r_aggte.csv")
SCENARIOS = {
    "mpdta_nev_dr": {"control": "never"},        # no covariates: DR = IPW = unconditional
    "mpdta_nev_ipw": {"control": "never"},
    "mpdta_nyt_dr": {"control": "notyet"},
    "mpdta_nev_reg_cov": {"control": "never", "method": "regression", "covariates": ("lpop",)},
}
TOL = 1e-10
# R did's documented DR output with xformla=~lpop (docs/reference/att_gt.md), 4 decimals.
R_DOCS_DR_LPOP = {
    "never": [-0.0145, -0.0764, -0.1404, -0.1069, -0.0005, -0.0062, 0.0010, -0.0413,
              0.0267, -0.0046, -0.0284, -0.0288],
    "notyet": [-0.0212, -0.0816, -0.1382, -0.1069, -0.0075, -0.0046, 0.0087, -0.0413,
               0.0269, -0.0042, -0.0284, -0.0288],
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_group_time_atts_match_r_did(mpdta: Panel, scenario: str) -> None:
    gt = att_gt(mpdta, **SCENARIOS[scenario])  # type: ignore[arg-type]
    ref = REF_ATT[REF_ATT.scenario == scenario]
    assert [mpdta.periods[g] for g in gt.group] == ref.group.tolist()
    assert [mpdta.periods[t] for t in gt.time] == ref.t.tolist()
    np.testing.assert_allclose(gt.att, ref.att, atol=TOL)
    np.testing.assert_allclose(gt.se, ref.se, atol=TOL)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("how", ["simple", "group", "dynamic", "calendar"])
def test_aggregations_match_r_did(mpdta: Panel, scenario: str, how: str) -> None:
    result = aggregate(att_gt(mpdta, **SCENARIOS[scenario]), how)  # type: ignore[arg-type]
    ref = REF_AGG[(REF_AGG.scenario == scenario) & (REF_AGG.type == how)]
    assert result.estimate.effect == pytest.approx(ref.overall_att.iloc[0], abs=TOL)
    assert result.estimate.se == pytest.approx(ref.overall_se.iloc[0], abs=TOL)
    if how != "simple":
        assert [int(e.period) for e in result.effects_by_period] == [int(v) for v in ref.egt]
        np.testing.assert_allclose([e.effect for e in result.effects_by_period], ref.att_egt, atol=TOL)
        np.testing.assert_allclose([e.se for e in result.effects_by_period], ref.se_egt, atol=TOL)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_doubly_robust_with_covariate_matches_r_did_docs(mpdta: Panel, control: str) -> None:
    gt = att_gt(mpdta, control=control, method="doubly-robust", covariates=("lpop",))
    np.testing.assert_allclose(gt.att, R_DOCS_DR_LPOP[control], atol=5.1e-5)


def test_doubly_robust_atts_and_standard_errors_match_r_did_on_simulated_panel() -> None:
    frame = pd.read_csv(FIXTURES / "did_sim_data.csv.gz")
    panel = build_panel(frame, unit="id", time="period", outcome="Y", start="G", covariates=["X"])
    gt = att_gt(panel, control="never", method="doubly-robust", covariates=("X",))
    ref = REF_ATT[REF_ATT.scenario == "sim_nev_dr"]
    np.testing.assert_allclose(gt.att, ref.att, atol=1e-9)
    np.testing.assert_allclose(gt.se, ref.se, atol=1e-9)
    for how in ("simple", "group", "dynamic"):
        agg = REF_AGG[(REF_AGG.scenario == "sim_nev_dr") & (REF_AGG.type == how)]
        result = aggregate(gt, how)
        assert result.estimate.effect == pytest.approx(agg.overall_att.iloc[0], abs=1e-9)
        assert result.estimate.se == pytest.approx(agg.overall_se.iloc[0], abs=1e-9)


def test_multiplier_bootstrap_agrees_with_analytic_se(mpdta: Panel) -> None:
    result = callaway_santanna(mpdta, aggregation="dynamic", bootstrap=999)
    analytic = aggregate(att_gt(mpdta), "dynamic")
    assert result.bootstrap_se == pytest.approx(analytic.estimate.se, rel=0.1)
    for boot, exact in zip(result.effects_by_period, analytic.effects_by_period, strict=True):
        assert boot.se == pytest.approx(exact.se, rel=0.15)
    # a uniform band over 7 event times is wider than the pointwise 1.96
    assert 2.1 < result.uniform_critical_value < 3.5
    e0 = result.effects_by_period[3]
    assert e0.ci_high - e0.ci_low == pytest.approx(2 * result.uniform_critical_value * e0.se)


def _staggered(rng: np.random.Generator, n: int = 120, t: int = 5, effect: float = 1.0) -> Panel:
    cohort = rng.choice([-1, 2, 3], size=n)
    unit_fe = rng.normal(0, 1, n)
    time_fe = np.linspace(0, 1, t)
    y = unit_fe[:, None] + time_fe[None, :] + rng.normal(0, 1, (n, t))
    treated = (cohort[:, None] >= 0) & (np.arange(t)[None, :] >= cohort[:, None])
    y = y + effect * treated
    periods = tuple(range(2010, 2010 + t))
    start = tuple(None if c < 0 else periods[c] for c in cohort)
    return Panel(tuple(f"u{i}" for i in range(n)), periods, "y", y, start)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_planted_effect_recovered_with_nominal_coverage(control: str) -> None:
    rng = np.random.default_rng(2015)
    reps, covered, estimates = 200, 0, []
    for _ in range(reps):
        est = callaway_santanna(_staggered(rng), control=control).estimate
        estimates.append(est.effect)
        covered += est.ci_low <= 1.0 <= est.ci_high
    assert abs(np.mean(estimates) - 1.0) < 0.05
    assert 0.88 <= covered / reps <= 0.99


def test_twfe_bias_is_avoided_with_dynamic_effects() -> None:
    # effects growing with exposure bias TWFE; the event study recovers each event time
    rng = np.random.default_rng(5)
    panel = _staggered(rng, n=3000, t=5, effect=0.0)
    cohort = panel.start_index()
    e = np.arange(5)[None, :] - cohort[:, None]
    y = panel.outcome + np.where((cohort[:, None] >= 0) & (e >= 0), 1.0 + e, 0.0)
    result = callaway_santanna(Panel(panel.units, panel.periods, "y", y, panel.start),
                               aggregation="dynamic")
    effects = {e.period: e.effect for e in result.effects_by_period}
    for ev in (0, 1, 2):
        assert effects[ev] == pytest.approx(1.0 + ev, abs=0.15)


def test_bad_input_says_what_to_fix(mpdta: Panel) -> None:
    with pytest.raises(InputError, match="control must be one of never, notyet"):
        att_gt(mpdta, control="everyone")
    with pytest.raises(InputError, match="needs at least one covariate"):
        att_gt(mpdta, method="regression")
    with pytest.raises(InputError, match="method must be one of"):
        att_gt(mpdta, method="matching", covariates=("lpop",))
    with pytest.raises(InputError, match="aggregation must be one of"):
        aggregate(att_gt(mpdta), "weekly")
    all_treated = Panel(mpdta.units, mpdta.periods, "lemp", mpdta.outcome,
                        tuple(2006 for _ in mpdta.units))
    with pytest.raises(InputError, match="no never-treated units"):
        att_gt(all_treated)
    never = Panel(mpdta.units, mpdta.periods, "lemp", mpdta.outcome)
    with pytest.raises(InputError, match="no unit is treated"):
        att_gt(never)
