"""Synthetic-control weights: the inner problem and the nested V search, kept fast.

The inner problem, min ||A w - b||^2 over the simplex (w >= 0, sum w = 1), is solved
exactly by an active-set non-negative least squares (Lawson-Hanson, scipy's ``nnls``) on
the system with one heavily weighted row ``M * 1'w = M`` appended: far faster than a
general-purpose QP and exact to rounding once renormalised.

The outer problem follows R's Synth and pysyncon: predictors are scaled by their standard
deviation across units, V is diagonal and normalised to sum to one, and Nelder-Mead from
equal weights minimises the outcome mean squared error over the fit period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, nnls

_BIG = 1e4


def simplex_weights(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """argmin ||a w - b||^2 subject to w >= 0 and sum(w) = 1."""
    n = a.shape[1]
    if n == 1:
        return np.ones(1)
    big = _BIG * max(1.0, float(np.abs(a).max()), float(np.abs(b).max()))
    aa = np.vstack([a, np.full((1, n), big)])
    bb = np.append(b, big)
    w, _ = nnls(aa, bb, maxiter=50 * n)
    total = w.sum()
    return w / total if total > 0 else np.full(n, 1.0 / n)


@dataclass(frozen=True)
class Fit:
    weights: np.ndarray      # over donors
    v: np.ndarray            # predictor importance (sums to 1); empty in outcome-path mode
    loss: float              # outcome MSE over the fit period


def fit_outcome_path(y_pre: np.ndarray, donors_pre: np.ndarray) -> Fit:
    """Weights matching the treated unit's whole pre-period outcome path (V = identity)."""
    w = simplex_weights(donors_pre, y_pre)
    resid = y_pre - donors_pre @ w
    return Fit(w, np.empty(0), float(resid @ resid / len(resid)))


def fit_nested(x1: np.ndarray, x0: np.ndarray, z1: np.ndarray, z0: np.ndarray,
               *, maxiter: int = 1000, v: np.ndarray | None = None) -> Fit:
    """Predictor-balance weights with V chosen to minimise the fit-period outcome MSE.

    ``x1`` (k,) and ``x0`` (k, J): predictors of the treated unit and donors; ``z1`` (t,)
    and ``z0`` (t, J): outcomes over the fit period.
    """
    both = np.column_stack([x0, x1])
    sd = both.std(axis=1, ddof=1)
    sd[sd == 0] = 1.0
    x0s, x1s = x0 / sd[:, None], x1 / sd
    k = len(x1)

    def weights_for(v: np.ndarray) -> np.ndarray:
        root = np.sqrt(v)
        return simplex_weights(x0s * root[:, None], x1s * root)

    def loss(w: np.ndarray) -> float:
        r = z1 - z0 @ w
        return float(r @ r / len(r))

    if v is not None or k == 1:
        fixed = np.ones(1) if v is None else np.asarray(v, float) / np.sum(v)
        w = weights_for(fixed)
        return Fit(w, fixed, loss(w))

    def objective(x: np.ndarray) -> float:
        ax = np.abs(x)
        total = ax.sum()
        if total == 0:
            return float("inf")
        return loss(weights_for(ax / total))

    res = minimize(objective, np.full(k, 1.0 / k), method="Nelder-Mead",
                   options={"maxiter": maxiter})
    v = np.abs(res.x) / np.abs(res.x).sum()
    w = weights_for(v)
    return Fit(w, v, loss(w))
