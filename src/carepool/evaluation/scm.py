"""Synthetic control (Abadie, Diamond & Hainmueller 2010; Abadie & Gardeazabal 2003).

Each treated unit gets its own synthetic control: a convex combination of never-treated
donors chosen to match either predictors (with V-weights found by nested optimisation over a
fit period, as R's Synth does) or, with no predictors, the whole pre-period outcome path.
Inference is by in-space placebos: every donor is treated in turn against the others; the
p-value is the treated unit's rank in post/pre RMSPE ratios, and the standard error is the
spread of the placebos' average post-period gaps. Placebo fits are shared by all treated units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from carepool.errors import InputError
from carepool.evaluation.choices import DEFAULTS
from carepool.evaluation.panel import Panel, Period
from carepool.evaluation.results import Z95, EffectTable, Estimate, PeriodEffect
from carepool.evaluation.simplex import Fit, fit_nested, fit_outcome_path

_OPS = ("mean", "sum")
PLACEBO_BASIS = "spread of the placebos' gaps; p from their rank"


@dataclass(frozen=True)
class Predictor:
    """A predictor: ``op`` of ``variable`` over the periods ``start``..``end`` (inclusive)."""

    variable: str
    start: Period
    end: Period
    op: str = "mean"

    @classmethod
    def parse(cls, text: str) -> Predictor:
        """'VAR:FROM-TO:mean' (periods may themselves contain '-', e.g. 2013-04-2015-03)."""
        parts = text.split(":")
        if len(parts) not in (2, 3) or not parts[0]:
            raise InputError(f"predictor '{text}' should look like VAR:FROM-TO:mean")
        op = parts[2] if len(parts) == 3 else "mean"
        bounds = parts[1].split("-")
        if len(bounds) % 2 and len(bounds) != 1:
            raise InputError(f"predictor '{text}': cannot split '{parts[1]}' into FROM-TO")
        half = max(1, len(bounds) // 2)
        lo, hi = "-".join(bounds[:half]), "-".join(bounds[half:]) or "-".join(bounds[:half])
        return cls(parts[0], _as_period(lo), _as_period(hi), op)

    @property
    def label(self) -> str:
        return f"{self.variable}:{self.start}-{self.end}:{self.op}"


@dataclass(frozen=True)
class UnitFit:
    """One treated unit's synthetic control and its placebo-based inference."""

    unit: str
    weights: dict[str, float]
    v_weights: dict[str, float]
    actual: tuple[float, ...]
    synthetic: tuple[float, ...]
    gaps: tuple[float, ...]
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float
    estimate: Estimate
    leave_one_out: dict[str, float]       # dropped donor -> average post-period gap


@dataclass(frozen=True)
class SyntheticControlResult(EffectTable):
    """All treated units' fits and their aggregate (average gap per period).

    The headline SE is the spread of the placebos' average gaps and the p-value their rank
    (``estimate.se_basis`` says so); with no placebos there is neither.
    """

    outcome: str
    periods: tuple[Period, ...]
    start: Period
    mode: str                              # "predictors" or "outcome path"
    fits: tuple[UnitFit, ...]
    effects_by_period: tuple[PeriodEffect, ...]
    estimate: Estimate
    placebo_ratios: dict[str, float]
    placebo_effects: dict[str, float]
    placebo_gaps: dict[str, tuple[float, ...]]

    def headline(self) -> str:
        return f"average post-period gap from {self.start} ({self.mode})"

    def details(self) -> list[str]:
        lines = []
        for f in self.fits:
            top = sorted(f.weights.items(), key=lambda kv: -kv[1])[:5]
            lines.append(f"  {f.unit}: pre-RMSPE {f.pre_rmspe:.4g}, post/pre ratio {f.rmspe_ratio:.3g}; weights "
                         + ", ".join(f"{k} {v:.3f}" for k, v in top if v > 0.001))
        lines.append(f"  {len(self.placebo_ratios)} placebo units" if self.placebo_ratios else "  no placebos run")
        return lines


def synthetic_control(
    panel: Panel,
    treated: str | Sequence[str],
    start: Period,
    *,
    predictors: Sequence[Predictor] = (),
    fit_period: tuple[Period, Period] | None = None,
    donors: Sequence[str] | None = None,
    placebos: bool = DEFAULTS["placebos"],
    leave_one_out: bool = DEFAULTS["leave_one_out"],
    v_weights: Sequence[float] | None = None,
) -> SyntheticControlResult:
    """Fit one synthetic control per treated unit and aggregate them.

    With no ``predictors`` the weights match the outcome path over ``fit_period``; otherwise V is
    chosen to minimise the outcome fit over ``fit_period`` (default: all pre periods), unless
    ``v_weights`` fixes it (R Synth's ``custom.v``).
    """
    names = [treated] if isinstance(treated, str) else list(treated)
    if not names:
        raise InputError("name at least one treated unit")
    t_idx = [panel.index_of_unit(u) for u in names]
    s = panel.index_of_period(start)
    if s < 2 or s >= len(panel.periods):
        raise InputError(f"start {start} must leave at least two pre periods and one post period "
                         f"(panel runs {panel.periods[0]} to {panel.periods[-1]})")
    pool = [u for u in (donors if donors is not None else panel.units) if u not in names]
    d_idx = [panel.index_of_unit(u) for u in pool]
    if len(d_idx) < 2:
        raise InputError(f"synthetic control needs at least two donor units, have {len(d_idx)}")
    fit_cols = _fit_columns(panel, s, fit_period)
    x = _predictor_matrix(panel, predictors, s) if predictors else None
    v_fixed = None
    if v_weights is not None:
        v_fixed = np.asarray(v_weights, float)
        if x is None or v_fixed.shape != (len(predictors),) or (v_fixed < 0).any() or v_fixed.sum() <= 0:
            raise InputError(f"v_weights needs one non-negative weight per predictor ({len(predictors)})")
    y = panel.outcome

    def fit(target: int, pool_idx: list[int]) -> Fit:
        if x is None:
            return fit_outcome_path(y[target, fit_cols], y[np.ix_(np.asarray(pool_idx), fit_cols)].T)
        return fit_nested(x[:, target], x[:, pool_idx], y[target, fit_cols],
                          y[np.ix_(np.asarray(pool_idx), fit_cols)].T, v=v_fixed)

    def gaps_of(target: int, pool_idx: list[int], f: Fit) -> np.ndarray:
        return np.asarray(y[target] - y[pool_idx].T @ f.weights)

    placebo_gaps: dict[str, np.ndarray] = {}
    if placebos:
        for j, d in enumerate(d_idx):
            others = d_idx[:j] + d_idx[j + 1:]
            placebo_gaps[panel.units[d]] = gaps_of(d, others, fit(d, others))
    p_ratio = {u: _ratio(g, s) for u, g in placebo_gaps.items()}
    p_effect = {u: float(g[s:].mean()) for u, g in placebo_gaps.items()}
    p_effect_arr = np.array(list(p_effect.values()))
    p_gap_sd = np.std(np.array(list(placebo_gaps.values())), axis=0, ddof=1) if len(placebo_gaps) > 1 else None
    effect_sd = float(np.std(p_effect_arr, ddof=1)) if len(p_effect_arr) > 1 else None

    fits = []
    for u, t in zip(names, t_idx, strict=True):
        f = fit(t, d_idx)
        g = gaps_of(t, d_idx, f)
        ratio = _ratio(g, s)
        p = (1 + sum(r >= ratio for r in p_ratio.values())) / (1 + len(p_ratio)) if p_ratio else None
        est = replace(Estimate.normal(float(g[s:].mean()), effect_sd, se_basis=PLACEBO_BASIS), p_value=p)
        loo: dict[str, float] = {}
        if leave_one_out:
            for j in map(int, np.nonzero(f.weights > 1e-3)[0]):
                rest = d_idx[:j] + d_idx[j + 1:]
                loo[pool[j]] = float(gaps_of(t, rest, fit(t, rest))[s:].mean())
        synthetic = y[t] - g
        fits.append(UnitFit(
            unit=u,
            weights={pool[j]: float(w) for j, w in enumerate(f.weights)},
            v_weights={p_.label: float(v) for p_, v in zip(predictors, f.v, strict=False)},
            actual=tuple(map(float, y[t])), synthetic=tuple(map(float, synthetic)),
            gaps=tuple(map(float, g)), pre_rmspe=_rmspe(g[:s]), post_rmspe=_rmspe(g[s:]),
            rmspe_ratio=ratio, estimate=est, leave_one_out=loo))
    return SyntheticControlResult(
        outcome=panel.outcome_name, periods=panel.periods, start=panel.periods[s],
        mode="predictors" if predictors else "outcome path", fits=tuple(fits),
        effects_by_period=_by_period(panel.periods, fits, p_gap_sd),
        estimate=_aggregate(fits, p_ratio, effect_sd),
        placebo_ratios=p_ratio, placebo_effects=p_effect,
        placebo_gaps={u: tuple(map(float, g)) for u, g in placebo_gaps.items()})


def _as_period(text: str) -> Period:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _rmspe(g: np.ndarray) -> float:
    return float(np.sqrt(np.mean(g ** 2)))


def _ratio(g: np.ndarray, s: int) -> float:
    pre = _rmspe(g[:s])
    return _rmspe(g[s:]) / pre if pre > 0 else float("inf")


def _fit_columns(panel: Panel, s: int, fit_period: tuple[Period, Period] | None) -> np.ndarray:
    if fit_period is None:
        return np.arange(s)
    lo, hi = (panel.index_of_period(p) for p in fit_period)
    if not lo <= hi < s:
        raise InputError(f"fit period {fit_period[0]}-{fit_period[1]} must lie before the start "
                         f"{panel.periods[s]}")
    return np.arange(lo, hi + 1)


def _predictor_matrix(panel: Panel, predictors: Sequence[Predictor], s: int) -> np.ndarray:
    rows = []
    for p in predictors:
        if p.op not in _OPS:
            raise InputError(f"predictor {p.label}: operation must be one of {', '.join(_OPS)}")
        lo, hi = panel.index_of_period(p.start), panel.index_of_period(p.end)
        if lo > hi:
            raise InputError(f"predictor {p.label}: period range runs backwards")
        block = panel.variable(p.variable)[:, lo:hi + 1]
        empty = np.isnan(block).all(axis=1)
        if empty.any():
            raise InputError(f"predictor {p.label} has no values for unit(s) "
                             f"{', '.join(np.asarray(panel.units)[empty][:5])}")
        rows.append(np.nanmean(block, axis=1) if p.op == "mean" else np.nansum(block, axis=1))
    return np.vstack(rows)


def _by_period(periods: tuple[Period, ...], fits: list[UnitFit],
               placebo_sd: np.ndarray | None) -> tuple[PeriodEffect, ...]:
    gaps = np.array([f.gaps for f in fits]).mean(axis=0)
    out = []
    for i, p in enumerate(periods):
        se = float(placebo_sd[i] / np.sqrt(len(fits))) if placebo_sd is not None else None
        e = Estimate.normal(float(gaps[i]), se)
        out.append(PeriodEffect(p, e.effect, e.se, e.ci_low, e.ci_high))
    return tuple(out)


def _aggregate(fits: list[UnitFit], p_ratio: dict[str, float], effect_sd: float | None) -> Estimate:
    if len(fits) == 1:
        return fits[0].estimate
    effect = float(np.mean([f.estimate.effect for f in fits]))
    se = effect_sd / np.sqrt(len(fits)) if effect_sd is not None else None
    est = Estimate.normal(effect, se, Z95, se_basis=PLACEBO_BASIS)
    p = None
    ratios = np.array(list(p_ratio.values()))
    if len(ratios) >= len(fits):
        rng = np.random.default_rng(20150401)
        observed = np.mean([f.rmspe_ratio for f in fits])
        draws = np.array([rng.choice(ratios, len(fits), replace=False).mean() for _ in range(2000)])
        p = float((1 + (draws >= observed).sum()) / (1 + len(draws)))
    return replace(est, p_value=p)
