"""Interrupted time series against statsmodels on the real England series, and by simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.genmod.families import NegativeBinomial, Poisson

from carepool.errors import InputError
from carepool.evaluation.its import interrupted_time_series, its_from_table
from carepool.evaluation.real_panels import months_between, real_series


@pytest.fixture(scope="module")
def england() -> pd.DataFrame:
    series = real_series("emergency_admissions", "2012-04", "2017-03")
    months = months_between("2012-04", "2017-03")
    t = np.arange(len(months))
    return pd.DataFrame({"period": months, "y": series.england, "time": t,
                         "post": (t >= 36).astype(float), "time_since": np.maximum(0, t - 36),
                         "month": [int(m[5:]) for m in months]})


def test_poisson_its_matches_statsmodels_on_real_england_series(england: pd.DataFrame) -> None:
    ours = interrupted_time_series(england.period.tolist(), england.y, "2015-04", hac_lags=3,
                                   errors="newey-west")
    ref = smf.glm("y ~ time + post + time_since + C(month)", england, family=Poisson()).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True)
    assert ours.estimate.effect == pytest.approx(ref.params["post"], rel=1e-8)
    assert ours.estimate.se == pytest.approx(ref.bse["post"], rel=1e-8)
    assert ours.estimate.p_value == pytest.approx(ref.pvalues["post"], rel=1e-6)
    assert ours.estimate.p_value > 0.05      # no significant level change in England admissions
    assert ours.slope_change.effect == pytest.approx(ref.params["time_since"], rel=1e-8)
    assert ours.rate_ratio is not None
    assert ours.rate_ratio.effect == pytest.approx(np.exp(ref.params["post"]))
    low, high = ref.conf_int().loc["post"]
    assert (ours.estimate.ci_low, ours.estimate.ci_high) == pytest.approx((low, high), rel=1e-8)


def test_negative_binomial_with_offset_matches_statsmodels(england: pd.DataFrame) -> None:
    pop = np.linspace(53.5e6, 55.3e6, len(england))
    ours = interrupted_time_series(england.period.tolist(), england.y, "2015-04", offset=pop, errors="newey-west",
                                   family="negbin", seasonality="fourier", harmonics=2, hac_lags=4)
    assert ours.dispersion is not None and ours.dispersion > 0
    frame = england.assign(
        sin_1=np.sin(2 * np.pi * england.month / 12), cos_1=np.cos(2 * np.pi * england.month / 12),
        sin_2=np.sin(4 * np.pi * england.month / 12), cos_2=np.cos(4 * np.pi * england.month / 12))
    ref = smf.glm("y ~ time + post + time_since + sin_1 + cos_1 + sin_2 + cos_2", frame,
                  family=NegativeBinomial(alpha=ours.dispersion), offset=np.log(pop)).fit(
        cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": True}, use_t=True)
    assert ours.estimate.effect == pytest.approx(ref.params["post"], rel=1e-7)
    assert ours.estimate.se == pytest.approx(ref.bse["post"], rel=1e-7)


def _series(rng: np.random.Generator, n: int = 72, s: int = 36, level: float = np.log(0.9),
            rho: float = 0.3) -> np.ndarray:
    t = np.arange(n)
    season = 0.08 * np.sin(2 * np.pi * t / 12)
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = rho * ar[i - 1] + rng.normal(0, 0.02)
    mu = np.exp(np.log(4000) + 0.002 * t + season + level * (t >= s) + ar)
    return rng.poisson(mu).astype(float)


def _coverage(errors: tuple[str, ...], rho: float, reps: int) -> dict[str, float]:
    """Share of 95% intervals for the level change that cover the truth, per kind of errors."""
    months = months_between("2011-04", "2019-03")
    truth = np.log(0.9)
    rng = np.random.default_rng(42)
    covered = dict.fromkeys(errors, 0)
    estimates: dict[str, list[float]] = {e: [] for e in errors}
    for _ in range(reps):
        y = _series(rng, n=96, s=48, rho=rho)
        for e in errors:
            est = interrupted_time_series(months, y, "2015-04", seasonality="fourier",
                                          harmonics=1, family="poisson", errors=e).estimate
            assert est.ci_low is not None and est.ci_high is not None
            estimates[e].append(est.effect)
            covered[e] += est.ci_low <= truth <= est.ci_high
    for e in errors:
        assert abs(np.mean(estimates[e]) - truth) < 0.01      # unbiased whatever the errors
    return {e: covered[e] / reps for e in errors}


def test_planted_level_change_recovered_with_close_to_nominal_coverage() -> None:
    """Latent AR(1) errors (rho 0.3), 48 months either side, 300 replications: the default
    latent-AR(1) intervals cover close to 95%; plain Newey-West, biased down in a series this
    short, covers about 88%."""
    coverage = _coverage(("latent-ar1", "newey-west"), rho=0.3, reps=300)
    assert 0.92 <= coverage["latent-ar1"] <= 0.98
    assert coverage["latent-ar1"] > coverage["newey-west"]


def test_default_coverage_is_nominal_without_autocorrelation() -> None:
    coverage = _coverage(("latent-ar1",), rho=0.0, reps=200)
    assert 0.92 <= coverage["latent-ar1"] <= 0.98


def test_default_keeps_the_glm_estimate_and_is_close_to_newey_west_without_autocorrelation() -> None:
    rng = np.random.default_rng(7)
    months = months_between("2011-04", "2019-03")
    t = np.arange(96)
    y = rng.poisson(np.exp(8 + 0.002 * t + np.log(0.9) * (t >= 48))).astype(float)
    plain = interrupted_time_series(months, y, "2015-04", seasonality="none", errors="newey-west").estimate
    for errors in ("latent-ar1", "prewhitened"):
        other = interrupted_time_series(months, y, "2015-04", seasonality="none", errors=errors).estimate
        assert other.effect == plain.effect
        assert other.se == pytest.approx(plain.se, rel=0.2)


def test_default_is_latent_ar1() -> None:
    months = months_between("2011-04", "2019-03")
    y = _series(np.random.default_rng(3), n=96, s=48)
    default = interrupted_time_series(months, y, "2015-04").estimate
    latent = interrupted_time_series(months, y, "2015-04", errors="latent-ar1").estimate
    assert default == latent


def test_unknown_error_kind_is_named() -> None:
    months = months_between("2011-04", "2019-03")
    with pytest.raises(InputError, match="errors must be one of"):
        interrupted_time_series(months, np.full(96, 100.0), "2015-04", errors="robust")


def test_controlled_its_removes_a_shock_shared_with_comparison() -> None:
    rng = np.random.default_rng(9)
    months = months_between("2012-04", "2018-03")
    t = np.arange(len(months))
    shock = np.where(t >= 36, np.log(1.2), 0.0)           # hits both series
    base = np.log(3000) + 0.1 * np.sin(2 * np.pi * t / 12) + shock
    treated = rng.poisson(np.exp(base + np.log(0.95) * (t >= 36))).astype(float)
    comparison = rng.poisson(np.exp(base + np.log(2.0))).astype(float)
    single = interrupted_time_series(months, treated, "2015-04")
    controlled = interrupted_time_series(months, treated, "2015-04", comparison=comparison)
    assert single.estimate.effect == pytest.approx(np.log(1.2 * 0.95), abs=0.03)
    assert controlled.controlled
    assert controlled.estimate.effect == pytest.approx(np.log(0.95), abs=0.03)
    assert controlled.rate_ratio is not None and controlled.rate_ratio.ci_low < 0.95 < controlled.rate_ratio.ci_high
    assert len(controlled.effects_by_period) == len(months) - 36


def test_effects_by_period_are_fitted_minus_counterfactual() -> None:
    months = months_between("2012-04", "2018-03")
    y = _series(np.random.default_rng(1))
    result = interrupted_time_series(months, y, "2015-04")
    gaps = np.array(result.fitted) - np.array(result.counterfactual)
    assert np.allclose(gaps[:36], 0)
    assert [e.effect for e in result.effects_by_period] == pytest.approx(gaps[36:].tolist())


def test_bad_input_is_named(tmp_path: Path) -> None:
    months = months_between("2012-04", "2014-03")
    y = np.full(len(months), 100.0)
    with pytest.raises(InputError, match="start 2020-01 is not one of the periods"):
        interrupted_time_series(months, y, "2020-01")
    with pytest.raises(InputError, match="negative values"):
        interrupted_time_series(months, -y, "2013-04")
    with pytest.raises(InputError, match="offset must be positive"):
        interrupted_time_series(months, y, "2013-04", offset=np.zeros(len(months)))
    with pytest.raises(InputError, match="family must be one of"):
        interrupted_time_series(months, y, "2013-04", family="binomial")
    bad = tmp_path / "series.csv"
    bad.write_text("month,admissions\n2013-01,10\n2013-02,ten\n2013-03,12\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"column 'admissions' is not a number on row\(s\) 3 \('ten'\)"):
        its_from_table(bad, time="month", outcome="admissions", start="2013-02")
    with pytest.raises(InputError, match="missing column"):
        its_from_table(bad, time="date", outcome="admissions", start="2013-02")
