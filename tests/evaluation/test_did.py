"""Callaway & Sant'Anna DiD against a reference implementation on mpdta, and by simulation.

The reference is moderndid (PyPI), a port of R's did package whose numbers equal R's on mpdta
(overall simple ATT -0.0399512751551763, SE 0.0120340127701854 in both); mpdta itself comes from
moderndid's package data. Both run live, so nothing fetched from elsewhere is committed here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import moderndid as md
import numpy as np
import pandas as pd
import pytest

from carepool.errors import InputError
from carepool.evaluation.did import aggregate, att_gt, callaway_santanna
from carepool.evaluation.panel import Panel, build_panel

SCENARIOS: dict[str, dict[str, Any]] = {
    "mpdta_nev_dr": {"control": "never"},        # no covariates: DR = IPW = unconditional
    "mpdta_nev_ipw": {"control": "never"},
    "mpdta_nyt_dr": {"control": "notyet"},
    "mpdta_nev_reg_cov": {"control": "never", "method": "regression", "covariates": ("lpop",)},
    "mpdta_nev_dr_cov": {"control": "never", "method": "doubly-robust", "covariates": ("lpop",)},
    "mpdta_nyt_dr_cov": {"control": "notyet", "method": "doubly-robust", "covariates": ("lpop",)},
}
REFERENCE_ARGS: dict[str, dict[str, Any]] = {
    "mpdta_nev_dr": {"control_group": "nevertreated", "est_method": "dr"},
    "mpdta_nev_ipw": {"control_group": "nevertreated", "est_method": "ipw"},
    "mpdta_nyt_dr": {"control_group": "notyettreated", "est_method": "dr"},
    "mpdta_nev_reg_cov": {"control_group": "nevertreated", "est_method": "reg", "xformla": "~lpop"},
    "mpdta_nev_dr_cov": {"control_group": "nevertreated", "est_method": "dr", "xformla": "~lpop"},
    "mpdta_nyt_dr_cov": {"control_group": "notyettreated", "est_method": "dr", "xformla": "~lpop"},
}
TOL = 1e-10


def _reference(data: Any, scenario_args: dict[str, Any], **names: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ATT(g,t) and aggregations (simple, group, dynamic, calendar) from moderndid."""
    res = md.att_gt(data=data, boot=False, **names, **scenario_args)
    att = pd.DataFrame({"group": np.asarray(res.groups).astype(int), "t": np.asarray(res.times).astype(int),
                        "att": np.asarray(res.att_gt), "se": np.asarray(res.se_gt)})
    rows = []
    for how in ("simple", "group", "dynamic", "calendar"):
        agg = md.aggte(res, type=how, boot=False)
        base = {"type": how, "overall_att": float(agg.overall_att), "overall_se": float(agg.overall_se)}
        if how == "simple":
            rows.append({**base, "egt": np.nan, "att_egt": np.nan, "se_egt": np.nan})
        else:
            for e, a, se in zip(agg.event_times, agg.att_by_event, agg.se_by_event, strict=True):
                rows.append({**base, "egt": float(e), "att_egt": float(a), "se_egt": float(se)})
    return att, pd.DataFrame(rows)


@cache
def mpdta_reference(scenario: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = {"yname": "lemp", "tname": "year", "idname": "countyreal", "gname": "first.treat"}
    return _reference(md.load_mpdta(), REFERENCE_ARGS[scenario], **names)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_group_time_atts_match_reference(mpdta: Panel, scenario: str) -> None:
    gt = att_gt(mpdta, **SCENARIOS[scenario])
    ref, _ = mpdta_reference(scenario)
    assert list(gt.groups) == ref.group.tolist()
    assert list(gt.times) == ref.t.tolist()
    np.testing.assert_allclose(gt.att, ref.att, atol=TOL)
    np.testing.assert_allclose(gt.se, ref.se, atol=1e-8)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("how", ["simple", "group", "dynamic", "calendar"])
def test_aggregations_match_reference(mpdta: Panel, scenario: str, how: str) -> None:
    result = aggregate(att_gt(mpdta, **SCENARIOS[scenario]), how)
    _, agg = mpdta_reference(scenario)
    ref = agg[agg.type == how]
    assert result.estimate.effect == pytest.approx(ref.overall_att.iloc[0], abs=TOL)
    assert result.estimate.se == pytest.approx(ref.overall_se.iloc[0], abs=1e-8)
    if how != "simple":
        assert [int(e.period) for e in result.effects_by_period] == [int(v) for v in ref.egt]
        np.testing.assert_allclose([e.effect for e in result.effects_by_period], ref.att_egt, atol=TOL)
        np.testing.assert_allclose([e.se for e in result.effects_by_period], ref.se_egt, atol=1e-8)


def test_reference_reproduces_r_did_on_mpdta() -> None:
    """The reference itself: R did's printed overall simple ATT on mpdta (never-treated, no covariates)."""
    _, agg = mpdta_reference("mpdta_nev_dr")
    simple = agg[agg.type == "simple"]
    assert simple.overall_att.iloc[0] == pytest.approx(-0.0399512751551763, abs=1e-12)
    assert simple.overall_se.iloc[0] == pytest.approx(0.0120340127701854, abs=1e-9)


def _simulated_with_covariate(seed: int = 11, n: int = 1500) -> pd.DataFrame:
    """A staggered panel (4 periods, cohorts 2-4 and never) whose trends depend on a covariate X."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    cohort = rng.choice([0, 2, 3, 4], size=n, p=[0.4, 0.2, 0.2, 0.2])
    rows = []
    for i in range(n):
        unit = rng.normal()
        for t in range(1, 5):
            treated = cohort[i] > 0 and t >= cohort[i]
            y = unit + 0.5 * t + 0.3 * x[i] * t + (1.0 + 0.5 * (t - cohort[i]) if treated else 0.0) + rng.normal()
            rows.append({"id": i + 1, "period": t, "G": int(cohort[i]), "X": x[i], "Y": y})
    return pd.DataFrame(rows)


def test_doubly_robust_with_covariate_matches_reference_on_simulated_panel() -> None:
    frame = _simulated_with_covariate()
    panel = build_panel(frame, unit="id", time="period", outcome="Y", start="G", covariates=["X"])
    gt = att_gt(panel, control="never", method="doubly-robust", covariates=("X",))
    import polars as pl
    att, agg = _reference(pl.from_pandas(frame), {"control_group": "nevertreated", "est_method": "dr",
                                                  "xformla": "~X"},
                          yname="Y", tname="period", idname="id", gname="G")
    np.testing.assert_allclose(gt.att, att.att, atol=1e-9)
    np.testing.assert_allclose(gt.se, att.se, atol=1e-8)
    for how in ("simple", "group", "dynamic"):
        ref = agg[agg.type == how]
        result = aggregate(gt, how)
        assert result.estimate.effect == pytest.approx(ref.overall_att.iloc[0], abs=1e-9)
        assert result.estimate.se == pytest.approx(ref.overall_se.iloc[0], abs=1e-8)


def test_multiplier_bootstrap_agrees_with_analytic_se(mpdta: Panel) -> None:
    result = callaway_santanna(mpdta, aggregation="dynamic", bootstrap=999)
    analytic = aggregate(att_gt(mpdta), "dynamic")
    assert result.estimate.se == pytest.approx(analytic.estimate.se, rel=0.1)
    # the headline is the bootstrap's, and says so; the analytic SE is kept beside it
    assert result.estimate.se != result.analytic_se == analytic.estimate.se
    assert result.estimate.se_basis == "multiplier bootstrap, 999 draws"
    assert result.estimate.ci_high - result.estimate.ci_low == pytest.approx(2 * 1.959964 * result.estimate.se)
    assert len(result.effects_by_period) == len(analytic.effects_by_period) > 0
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
