"""Synthetic control against R Synth / pysyncon on the Basque data, and by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from pysyncon import Synth

from carepool.errors import InputError
from carepool.evaluation.panel import Panel
from carepool.evaluation.scm import Predictor, synthetic_control
from carepool.evaluation.simplex import simplex_weights
from tests.evaluation.conftest import BASQUE

# Abadie & Gardeazabal (2003) with R Synth's example specification: published weights
# (Catalonia 0.851, Madrid 0.149), as pinned in pysyncon's tests/test_synth_basque.py.
R_SYNTH_WEIGHTS = {"Cataluna": 0.850816306, "Madrid (Comunidad De)": 0.149183694}
# pysyncon 1.x on the same specification (Nelder-Mead from equal V): outcome loss over 1960-69.
PYSYNCON_LOSS_V = 0.008864544956570934
# pysyncon's placebo gaps (its sign: synthetic minus actual), from tests/test_synth_basque.py.
PYSYNCON_PLACEBO = {
    "Madrid (Comunidad De)": [-0.927175216, -1.066517558, -1.011035191, -0.950460346, -0.945849043,
                              -0.930054154, -0.772216555, -0.614639881, -0.557819528, -0.491421484,
                              -0.441239691],
    "Cataluna": [-0.203808056, -0.220131278, -0.263867427, -0.305086234, -0.307812904, -0.310500965,
                 -0.369694018, -0.423575377, -0.45873673, -0.488697382, -0.492355237],
    "Andalucia": [0.005071129, -0.002029762, 0.002976458, 0.008368423, 0.012947728, 0.0182735,
                  0.002324614, -0.012943574, -0.009046578, -0.00457983, -0.013673715],
}


@pytest.fixture(scope="module")
def basque_fit(basque: Panel, basque_predictors: list[Predictor]):  # type: ignore[no-untyped-def]
    return synthetic_control(basque, BASQUE, 1970, predictors=basque_predictors,
                             fit_period=(1960, 1969), placebos=True, leave_one_out=True)


def test_basque_weights_match_r_synth(basque_fit) -> None:  # type: ignore[no-untyped-def]
    weights = basque_fit.fits[0].weights
    for region, expected in R_SYNTH_WEIGHTS.items():
        assert weights[region] == pytest.approx(expected, abs=1e-4)
    assert sum(w for r, w in weights.items() if r not in R_SYNTH_WEIGHTS) < 1e-6


def test_basque_outer_loss_matches_pysyncon(basque_fit, basque: Panel) -> None:  # type: ignore[no-untyped-def]
    lo, s = basque.index_of_period(1960), basque.index_of_period(1970)
    gaps = np.array(basque_fit.fits[0].gaps)[lo:s]
    assert float(np.mean(gaps ** 2)) == pytest.approx(PYSYNCON_LOSS_V, rel=1e-6)
    assert sum(basque_fit.fits[0].v_weights.values()) == pytest.approx(1.0)


def test_basque_placebos_match_or_beat_pysyncon(basque_fit, basque: Panel) -> None:  # type: ignore[no-untyped-def]
    lo = basque.index_of_period(1960)
    ours = np.array(basque_fit.placebo_gaps["Madrid (Comunidad De)"])[lo:lo + 11]
    np.testing.assert_allclose(-ours, PYSYNCON_PLACEBO["Madrid (Comunidad De)"], atol=1e-4)
    for region in ("Cataluna", "Andalucia"):
        # nested optimisation is non-convex: ours must fit the pre-period at least as well
        mine = np.array(basque_fit.placebo_gaps[region])[lo:lo + 10]
        theirs = np.array(PYSYNCON_PLACEBO[region])[:10]
        assert np.mean(mine ** 2) <= np.mean(theirs ** 2) + 1e-6


def test_basque_inference_and_leave_one_out(basque_fit) -> None:  # type: ignore[no-untyped-def]
    fit = basque_fit.fits[0]
    assert fit.estimate.effect < -0.4               # GDP per head lost to terrorism (A&G 2003)
    assert len(basque_fit.placebo_ratios) == 17
    assert 0 < fit.estimate.p_value <= 1
    assert set(fit.leave_one_out) == set(R_SYNTH_WEIGHTS)
    # each refit without a donor is a different synthetic control, so a different effect
    assert all(np.isfinite(v) and abs(v - fit.estimate.effect) > 1e-3 for v in fit.leave_one_out.values())


def test_fixed_v_reproduces_the_searched_weights(basque_fit, basque: Panel,  # type: ignore[no-untyped-def]
                                                basque_predictors: list[Predictor]) -> None:
    v = list(basque_fit.fits[0].v_weights.values())
    fixed = synthetic_control(basque, BASQUE, 1970, predictors=basque_predictors, placebos=False,
                              fit_period=(1960, 1969), v_weights=v)
    for region, w in basque_fit.fits[0].weights.items():
        assert fixed.fits[0].weights[region] == pytest.approx(w, abs=1e-8)
    with pytest.raises(InputError, match="one non-negative weight per predictor"):
        synthetic_control(basque, BASQUE, 1970, predictors=basque_predictors, v_weights=[1.0, 2.0])


def test_inner_solver_matches_pysyncon_qp(basque: Panel, basque_predictors: list[Predictor]) -> None:
    from carepool.evaluation.scm import _predictor_matrix
    x = _predictor_matrix(basque, basque_predictors, basque.index_of_period(1970))
    x = x / x.std(axis=1, ddof=1)[:, None]
    t = basque.index_of_unit(BASQUE)
    x1, x0 = x[:, t], np.delete(x, t, axis=1)
    rng = np.random.default_rng(7)
    for _ in range(5):
        v = rng.dirichlet(np.ones(len(x1)))
        w_ref, loss_ref = Synth.w_optimize(np.diag(v), x0, x1)
        root = np.sqrt(v)
        w = simplex_weights(x0 * root[:, None], x1 * root)
        ours = 0.5 * w @ (x0.T @ np.diag(v) @ x0) @ w - (x1 @ np.diag(v) @ x0) @ w
        assert ours <= loss_ref + 1e-9
        np.testing.assert_allclose(w, w_ref, atol=2e-3)


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
