"""Staggered-adoption difference-in-differences (Callaway & Sant'Anna 2021).

Two-way fixed effects mixes already-treated units into the comparison when areas adopt at
different times, so this estimates each cohort's effect at each period, ATT(g,t), against
never-treated (or not-yet-treated) units only, then aggregates. Standard errors come from
the influence functions (as R's ``did`` with ``bstrap=FALSE``), including the estimation of
the aggregation weights; a multiplier bootstrap gives bootstrap SEs and a uniform band.
Base period is "varying" (t-1 before treatment, g-1 after), as ``did``'s default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from carepool.errors import InputError
from carepool.evaluation.choices import (
    AGGREGATIONS,
    CONTROLS,
    DEFAULTS,
    Aggregation,
    Control,
    DidMethod,
    checked,
    did_method,
)
from carepool.evaluation.panel import Panel, Period
from carepool.evaluation.results import Z95, EffectTable, Estimate, PeriodEffect


@dataclass(frozen=True)
class GroupTimeATT:
    """ATT(g,t) for every cohort g and period t, with their influence functions."""

    outcome: str
    periods: tuple[Period, ...]
    group_index: np.ndarray  # column of ``periods`` where each estimate's cohort starts
    time_index: np.ndarray   # column of ``periods`` of each estimate's period
    att: np.ndarray
    influence: np.ndarray    # (units, estimates): att_hat - att ~ mean of rows
    cohort: np.ndarray       # per unit: start column, -1 never treated
    control: Control
    method: DidMethod
    dropped_units: tuple[str, ...]

    @property
    def groups(self) -> tuple[Period, ...]:
        """Each estimate's cohort, as the period it was first treated."""
        return tuple(self.periods[g] for g in self.group_index)

    @property
    def times(self) -> tuple[Period, ...]:
        """Each estimate's period."""
        return tuple(self.periods[t] for t in self.time_index)

    @property
    def n(self) -> int:
        return len(self.cohort)

    @property
    def se(self) -> np.ndarray:
        return np.asarray(np.sqrt((self.influence ** 2).sum(axis=0)) / self.n)


@dataclass(frozen=True)
class DidResult(EffectTable):
    """An aggregation of ATT(g,t): effects by event time, cohort or period, and overall.

    ``estimate`` is the headline actually used: with a bootstrap its SE and interval are the
    bootstrap's (``estimate.se_basis`` says so) and ``analytic_se`` keeps the influence-function SE.
    ``effects_by_period`` are labelled by event time (``dynamic``) or by period (``group``: the
    cohort's first treated period; ``calendar``: the period), never by column position.
    """

    outcome: str
    control: Control
    method: DidMethod
    aggregation: Aggregation
    group_time: tuple[tuple[Period, Period, float, float], ...]   # (group, period, att, se)
    effects_by_period: tuple[PeriodEffect, ...]
    estimate: Estimate
    analytic_se: float
    bootstrap_draws: int
    uniform_critical_value: float | None
    n_units: int
    dropped_units: tuple[str, ...]

    def headline(self) -> str:
        return f"ATT ({self.aggregation}, {self.method}, {self.control}-treated comparison)"

    def details(self) -> list[str]:
        label = "event time" if self.aggregation == "dynamic" else "period"
        lines = [f"  {label} {e.period}: {e.effect:.4g} (SE {e.se:.4g})" for e in self.effects_by_period]
        if self.uniform_critical_value is not None:
            lines.append(f"  uniform band critical value {self.uniform_critical_value:.3g} "
                         f"({self.bootstrap_draws} bootstrap draws)")
        lines.append(f"  {self.n_units} units" + (f"; dropped (treated from the first period): "
                                                   f"{', '.join(self.dropped_units)}" if self.dropped_units else ""))
        return lines


def att_gt(panel: Panel, *, control: str = DEFAULTS["control"], method: str | None = None,
           covariates: Sequence[str] = ()) -> GroupTimeATT:
    """Group-time ATTs with influence functions (panel data, base period varying).

    ``method`` defaults to doubly robust when covariates are given and unconditional otherwise.
    """
    control = checked("control", control, CONTROLS)
    method = did_method(method, list(covariates))
    if method != "unconditional" and not covariates:
        raise InputError(f"method '{method}' needs at least one covariate")
    cohort_all = panel.start_index()
    keep = cohort_all != 0
    dropped = tuple(u for u, k in zip(panel.units, keep, strict=True) if not k)
    cohort = cohort_all[keep]
    y = panel.outcome[keep]
    xs = [panel.variable(c)[keep] for c in covariates]
    groups = sorted(set(cohort[cohort > 0].tolist()))
    if not groups:
        raise InputError("no unit is treated after the first period: give a cohort column with "
                         "each treated unit's first treated period")
    if control == "never" and not (cohort < 0).any():
        raise InputError("no never-treated units: use control 'notyet' or add comparison units")
    n, n_t = y.shape
    gs, ts, atts, infs = [], [], [], []
    for g in groups:
        for t in range(1, n_t):
            pre = g - 1 if t >= g else t - 1
            ctrl = cohort < 0
            if control == "notyet":
                ctrl = ctrl | ((cohort > max(t, pre)) & (cohort != g))
            treat = cohort == g
            if not ctrl.any():
                continue
            sub = treat | ctrl
            dy = y[sub, t] - y[sub, pre]
            d = treat[sub].astype(float)
            if method == "unconditional":
                att, psi = _diff_in_means(dy, d)
            else:
                x = np.column_stack([np.ones(sub.sum())] + [v[sub, pre] for v in xs])
                if np.isnan(x).any():
                    raise InputError(f"covariates have blanks at period {panel.periods[pre]}")
                fn = _outcome_regression if method == "regression" else _doubly_robust
                att, psi = fn(dy, d, x)
            inf = np.zeros(n)
            inf[sub] = psi * n / sub.sum()
            gs.append(g)
            ts.append(t)
            atts.append(att)
            infs.append(inf)
    return GroupTimeATT(panel.outcome_name, panel.periods, np.array(gs), np.array(ts), np.array(atts),
                        np.column_stack(infs), cohort, control, method, dropped)


def aggregate(gt: GroupTimeATT, how: str = DEFAULTS["aggregation"], *, bootstrap: int = DEFAULTS["bootstrap"],
              seed: int = DEFAULTS["seed"]) -> DidResult:
    """Aggregate ATT(g,t): 'simple', 'dynamic' (event study), 'group' or 'calendar'."""
    how = checked("aggregation", how, AGGREGATIONS)
    if bootstrap < 0:
        raise InputError(f"bootstrap must be 0 (analytic) or a number of draws, not {bootstrap}")
    group, time = gt.group_index, gt.time_index
    pg = np.array([np.mean(gt.cohort == g) for g in group])
    post = time >= group
    labels: list[Period | int] = []
    parts: list[tuple[float, np.ndarray]] = []
    if how == "simple":
        overall = _weighted(gt, np.nonzero(post)[0], pg)
    elif how == "dynamic":
        e = time - group
        for ev in sorted(set(e.tolist())):
            labels.append(ev)
            parts.append(_weighted(gt, np.nonzero(e == ev)[0], pg))
        pos = [i for i, ev in enumerate(labels) if int(ev) >= 0]
        overall = (float(np.mean([parts[i][0] for i in pos])),
                   np.column_stack([parts[i][1] for i in pos]).mean(axis=1))
    elif how == "group":
        glist = sorted(set(group.tolist()))
        for g in glist:
            idx = np.nonzero((group == g) & post)[0]
            labels.append(gt.periods[g])
            parts.append((float(gt.att[idx].mean()), gt.influence[:, idx].mean(axis=1)))
        overall = _combine(gt, [p[0] for p in parts], [p[1] for p in parts], glist)
    else:
        for t in sorted(set(time[post].tolist())):
            labels.append(gt.periods[t])
            parts.append(_weighted(gt, np.nonzero(post & (time == t))[0], pg))
        overall = (float(np.mean([p[0] for p in parts])),
                   np.column_stack([p[1] for p in parts]).mean(axis=1))
    infs = np.column_stack([overall[1]] + [p[1] for p in parts])
    ses = np.sqrt((infs ** 2).sum(axis=0)) / gt.n
    boot_se, crit = _multiplier_bootstrap(infs, bootstrap, seed, band_from=1 if parts else 0) \
        if bootstrap else (None, None)
    band = float(crit) if crit is not None else Z95
    by_period = []
    for i, (lab, (att, _)) in enumerate(zip(labels, parts, strict=True)):
        se = float(boot_se[i + 1]) if boot_se is not None else float(ses[i + 1])
        by_period.append(PeriodEffect(lab, att, se, att - band * se, att + band * se))
    headline = (Estimate.normal(overall[0], float(boot_se[0]), se_basis=f"multiplier bootstrap, {bootstrap} draws")
                if boot_se is not None else Estimate.normal(overall[0], float(ses[0]), se_basis="influence function"))
    return DidResult(
        outcome=gt.outcome, control=gt.control, method=gt.method, aggregation=how,
        group_time=tuple((gt.periods[g], gt.periods[t], float(a), float(s))
                         for g, t, a, s in zip(group, time, gt.att, gt.se, strict=True)),
        effects_by_period=tuple(by_period), estimate=headline, analytic_se=float(ses[0]),
        bootstrap_draws=bootstrap, uniform_critical_value=float(crit) if crit is not None else None,
        n_units=gt.n, dropped_units=gt.dropped_units)


def callaway_santanna(panel: Panel, *, control: str = DEFAULTS["control"], method: str | None = None,
                      covariates: Sequence[str] = (), aggregation: str = DEFAULTS["aggregation"],
                      bootstrap: int = DEFAULTS["bootstrap"], seed: int = DEFAULTS["seed"]) -> DidResult:
    """ATT(g,t) then one aggregation: the usual one-call entry point."""
    gt = att_gt(panel, control=control, method=method, covariates=covariates)
    return aggregate(gt, aggregation, bootstrap=bootstrap, seed=seed)


def _diff_in_means(dy: np.ndarray, d: np.ndarray) -> tuple[float, np.ndarray]:
    p = d.mean()
    if p in (0.0, 1.0):
        raise InputError("a cohort or its comparison group is empty")
    mu1, mu0 = dy[d == 1].mean(), dy[d == 0].mean()
    psi = d * (dy - mu1) / p - (1 - d) * (dy - mu0) / (1 - p)
    return float(mu1 - mu0), psi


def _outcome_regression(dy: np.ndarray, d: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Sant'Anna & Zhao (2020) outcome-regression DiD and its influence function."""
    c = 1 - d
    xtx = (x * c[:, None]).T @ x
    try:
        beta = np.linalg.solve(xtx, (x * c[:, None]).T @ dy)
    except np.linalg.LinAlgError:
        raise InputError("covariates are collinear among comparison units") from None
    fitted = x @ beta
    md = d.mean()
    eta_t = (d * dy).mean() / md
    eta_c = (d * fitted).mean() / md
    inf_t = (d * dy - d * eta_t) / md
    lin_rep = (c * (dy - fitted))[:, None] * x @ np.linalg.inv(xtx / len(d))
    inf_c = (d * fitted - d * eta_c + lin_rep @ (d[:, None] * x).mean(axis=0)) / md
    return float(eta_t - eta_c), inf_t - inf_c


def _doubly_robust(dy: np.ndarray, d: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Sant'Anna & Zhao (2020) locally efficient DR DiD (logit score, OLS outcome model)."""
    n = len(d)
    c = 1 - d
    ps, hess_inv = _logit(d, x)
    ps = np.minimum(ps, 1 - 1e-6)
    xtx = (x * c[:, None]).T @ x
    try:
        beta = np.linalg.solve(xtx, (x * c[:, None]).T @ dy)
    except np.linalg.LinAlgError:
        raise InputError("covariates are collinear among comparison units") from None
    resid = dy - x @ beta
    w_t, w_c = d, ps * c / (1 - ps)
    eta_t = (w_t * resid).mean() / w_t.mean()
    eta_c = (w_c * resid).mean() / w_c.mean()
    lin_ols = (c * resid)[:, None] * x @ np.linalg.inv(xtx / n)
    lin_ps = ((d - ps)[:, None] * x) @ hess_inv
    inf_t = (w_t * resid - w_t * eta_t - lin_ols @ (w_t[:, None] * x).mean(axis=0)) / w_t.mean()
    inf_c = (w_c * resid - w_c * eta_c
             + lin_ps @ (w_c[:, None] * (resid - eta_c)[:, None] * x).mean(axis=0)
             - lin_ols @ (w_c[:, None] * x).mean(axis=0)) / w_c.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def _logit(d: np.ndarray, x: np.ndarray, iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logit by Newton-Raphson; returns fitted P(D=1|X) and n * vcov."""
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ beta)))
        info = (x * (p * (1 - p))[:, None]).T @ x
        step = np.linalg.solve(info, x.T @ (d - p))
        beta += step
        if np.abs(step).max() < 1e-12:
            break
    p = 1 / (1 + np.exp(-(x @ beta)))
    if p.max() > 1 - 1e-6 and (d == 0).any():
        raise InputError("propensity scores reach 1: covariates separate treated from comparison units")
    info = (x * (p * (1 - p))[:, None]).T @ x
    return p, np.linalg.inv(info / len(d))


def _weight_influence(gt: GroupTimeATT, groups: np.ndarray, pg: np.ndarray) -> np.ndarray:
    """Influence of estimating the cohort-share weights (did's ``wif``)."""
    total = pg.sum()
    ind = (gt.cohort[:, None] == groups[None, :]).astype(float) - pg[None, :]
    return np.asarray(ind / total - ind.sum(axis=1, keepdims=True) * pg[None, :] / total ** 2)


def _weighted(gt: GroupTimeATT, idx: np.ndarray, pg_all: np.ndarray) -> tuple[float, np.ndarray]:
    pg = pg_all[idx]
    w = pg / pg.sum()
    att = float(gt.att[idx] @ w)
    inf = gt.influence[:, idx] @ w + _weight_influence(gt, gt.group_index[idx], pg) @ gt.att[idx]
    return att, inf


def _combine(gt: GroupTimeATT, atts: list[float], infs: list[np.ndarray],
             glist: list[int]) -> tuple[float, np.ndarray]:
    groups = np.array(glist)
    pg = np.array([np.mean(gt.cohort == g) for g in glist])
    a = np.array(atts)
    inf = np.column_stack(infs) @ (pg / pg.sum()) + _weight_influence(gt, groups, pg) @ a
    return float(a @ pg / pg.sum()), inf


def _multiplier_bootstrap(infs: np.ndarray, reps: int, seed: int,
                          band_from: int) -> tuple[np.ndarray, float]:
    """Mammen multiplier bootstrap: robust SEs and the sup-t critical value for a uniform band."""
    n = infs.shape[0]
    rng = np.random.default_rng(seed)
    s5 = np.sqrt(5.0)
    v = np.where(rng.random((reps, n)) < (s5 + 1) / (2 * s5), (1 - s5) / 2, (1 + s5) / 2)
    draws = v @ infs / n
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0)
    se = (q75 - q25) / (2 * 0.6744897501960817)
    ok = se[band_from:] > 0
    sup_t = np.abs(draws[:, band_from:][:, ok] / se[band_from:][ok]).max(axis=1)
    return se, float(np.quantile(sup_t, 0.95))
