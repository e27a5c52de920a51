"""Synthetic control: a planted answer recovered, the inner solver against pysyncon live, and by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from pysyncon import Synth

from carepool.errors import InputError
from carepool.evaluation.panel import Panel
from carepool.evaluation.scm import Predictor, synthetic_control
from carepool.evaluation.simplex import simplex_weights
from tests.evaluation.conftest import DONORS, PLANTED, PLANTED_EFFECT, TREATED


@pytest.fixture(scope="module")
def region_fit(regions: Panel, region_predictors: list[Predictor]):  # type: ignore[no-untyped-def]
    return synthetic_control(regions, TREATED, 1970, predictors=region_predictors,
                             fit_period=(1960, 1969), placebos=True, leave_one_out=True)


def test_planted_donor_weights_are_recovered(region_fit) -> None:  # type: ignore[no-untyped-def]
    weights = region_fit.fits[0].weights
    assert sum(weights.values()) == pytest.approx(1.0)
    assert all(w >= -1e-12 for w in weights.values())
    assert sum(weights[d] for d in PLANTED) > 0.95
    for donor, expected in PLANTED.items():
        assert weights[donor] == pytest.approx(expected, abs=0.05)


def test_planted_effect_placebos_and_leave_one_out(region_fit, regions: Panel) -> None:  # type: ignore[no-untyped-def]
    fit = region_fit.fits[0]
    assert fit.estimate.effect == pytest.approx(PLANTED_EFFECT, abs=0.05)
    assert len(region_fit.placebo_ratios) == len(DONORS)
    # the treated region's post/pre RMSPE ratio is the most extreme: p = 1/(J+1)
    assert fit.estimate.p_value == pytest.approx(1 / (len(DONORS) + 1))
    assert set(fit.leave_one_out) == {d for d, w in fit.weights.items() if w > 1e-6}
    assert all(np.isfinite(v) for v in fit.leave_one_out.values())
    lo, s = regions.index_of_period(1960), regions.index_of_period(1970)
    assert float(np.sqrt(np.mean(np.array(fit.gaps)[lo:s] ** 2))) < 0.05   # good pre-period fit


def test_fixed_v_reproduces_the_searched_weights(region_fit, regions: Panel,  # type: ignore[no-untyped-def]
                                                region_predictors: list[Predictor]) -> None:
    v = list(region_fit.fits[0].v_weights.values())
    fixed = synthetic_control(regions, TREATED, 1970, predictors=region_predictors, placebos=False,
                              fit_period=(1960, 1969), v_weights=v)
    assert region_fit.fits[0].weights.keys() == fixed.fits[0].weights.keys() and fixed.fits[0].weights
    for region, w in region_fit.fits[0].weights.items():
        assert fixed.fits[0].weights[region] == pytest.approx(w, abs=1e-8)
    with pytest.raises(InputError, match="one non-negative weight per predictor"):
        synthetic_control(regions, TREATED, 1970, predictors=region_predictors, v_weights=[1.0, 2.0])


def test_inner_solver_matches_pysyncon_qp(regions: Panel, region_predictors: list[Predictor]) -> None:
    from carepool.evaluation.scm import _predictor_matrix
    x = _predictor_matrix(regions, region_predictors, regions.index_of_period(1970))
    x = x / x.std(axis=1, ddof=1)[:, None]
    t = regions.index_of_unit(TREATED)
    x1, x0 = x[:, t], np.delete(x, t, axis=1)
    rng = np.random.default_rng(7)
    for _ in range(5):
        v = rng.dirichlet(np.ones(len(x1)))
        w_ref, loss_ref = Synth.w_optimize(np.diag(v), x0, x1)
        root = np.sqrt(v)
        w = simplex_weights(x0 * root[:, None], x1 * root)
        ours = 0.5 * w @ (x0.T @ np.diag(v) @ x0) @ w - (x1 @ np.diag(v) @ x0) @ w
        assert ours <= loss_ref + 1e-9
        np.testing.assert_allclose(w, w_ref, atol=1e-2)   # the tolerance; our objective is never worse


def test_outcome_path_recovers_exact_convex_combination() -> None:
    rng = np.random.default_rng(3)
    donors = rng.normal(10, 2, size=(8, 30)).cumsum(axis=1)
    true_w = np.array([0.5, 0.3, 0.2, 0, 0, 0, 0, 0])
    treated = true_w @ donors
    treated[20:] += 5.0
    panel = Panel(tuple(f"u{i}" for i in range(9)), tuple(range(30)), "y", np.vstack([donors, treated]))
    result = synthetic_control(panel, "u8", 20, placebos=False)
    w = np.array([result.fits[0].weights[f"u{i}"] for i in range(8)])
    np.testing.assert_allclose(w, true_w, atol=1e-6)
    assert result.estimate.effect == pytest.approx(5.0, abs=1e-5)
    assert result.mode == "outcome path"


def _factor_panel(rng: np.random.Generator, n: int, t: int, effect: float) -> Panel:
    loadings = rng.uniform(0.5, 1.5, size=(n, 2))
    factors = np.vstack([np.linspace(0, 3, t), np.sin(np.arange(t) / 3)])
    y = 10 + loadings @ factors + rng.normal(0, 0.3, size=(n, t))
    y[0, t - 6:] += effect
    return Panel(tuple(f"u{i:02d}" for i in range(n)), tuple(range(t)), "y", y)


def test_planted_effect_recovered_with_nominal_coverage() -> None:
    rng = np.random.default_rng(20150401)
    covered, estimates = 0, []
    reps = 100
    for _ in range(reps):
        result = synthetic_control(_factor_panel(rng, 30, 24, 2.0), "u00", 18)
        est = result.estimate
        estimates.append(est.effect)
        covered += est.ci_low <= 2.0 <= est.ci_high
    assert abs(np.mean(estimates) - 2.0) < 0.1
    assert 0.88 <= covered / reps <= 1.0


def test_several_treated_units_are_aggregated() -> None:
    rng = np.random.default_rng(11)
    panel = _factor_panel(rng, 25, 24, 0.0)
    y = panel.outcome.copy()
    y[:3, 18:] += 3.0
    panel = Panel(panel.units, panel.periods, "y", y)
    result = synthetic_control(panel, ["u00", "u01", "u02"], 18)
    assert len(result.fits) == 3
    assert result.estimate.effect == pytest.approx(np.mean([f.estimate.effect for f in result.fits]))
    assert result.estimate.effect == pytest.approx(3.0, abs=0.5)
    assert result.estimate.p_value is not None and result.estimate.p_value < 0.05
    assert all("u01" not in f.weights for f in result.fits)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"treated": "nowhere", "start": 18}, "unit 'nowhere' is not in the panel"),
    ({"treated": "u00", "start": 1}, "at least two pre periods"),
    ({"treated": "u00", "start": 18, "predictors": [Predictor("cost", 0, 5)]}, "no variable 'cost'"),
    ({"treated": "u00", "start": 18, "fit_period": (10, 20)}, "must lie before the start"),
])
def test_bad_input_is_named(kwargs: dict[str, object], message: str) -> None:
    panel = _factor_panel(np.random.default_rng(0), 5, 24, 0.0)
    with pytest.raises(InputError, match=message):
        synthetic_control(panel, **kwargs)  # type: ignore[arg-type]


def test_predictor_parsing_handles_month_periods() -> None:
    p = Predictor.parse("admissions:2013-04-2015-03:mean")
    assert (p.variable, p.start, p.end, p.op) == ("admissions", "2013-04", "2015-03", "mean")
    assert Predictor.parse("gdpcap:1960-1969").end == 1969
    with pytest.raises(InputError, match="VAR:FROM-TO:mean"):
        Predictor.parse("gdpcap")
