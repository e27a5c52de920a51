"""Synthetic-control weights: the inner problem and the nested V search, kept fast.

The inner problem, min ||A w - b||^2 over the simplex (w >= 0, sum w = 1), is solved
exactly by an active-set non-negative least squares (Lawson-Hanson, scipy's ``nnls``) on
the system with one heavily weighted row ``M * 1'w = M`` appended: far faster than a
general-purpose QP and exact to rounding once renormalised.

The outer problem follows R's Synth and pysyncon: predictors are scaled by their standard
deviation across units, V is diagonal and normalised to sum to one, and Nelder-Mead from
equal weights minimises the outcome mean squared error over the fit period.

When the treated unit lies inside the donors' convex hull in predictor space, many weight
vectors balance the predictors exactly and the inner problem has no unique answer (R's Synth
and pysyncon return wherever their QP solver stops; on the Proposition 99 panel with four
lagged-outcome predictors that is a pre-period MSE of 8.9, where an exact balance with an MSE
of 3.3 exists). carepool breaks such ties by the pre-period outcome fit: the inner problem
carries the standardised fit-period outcomes with a weight of ``TIE_BREAK`` (1e-8), far too
small to trade predictor balance away, so answers are reproducible and never fit worse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, nnls

_BIG = 1e4
TIE_BREAK = 1e-8


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
    x0s, x1s = _standardised(x0, x1)
    z0s, z1s = _standardised(z0, z1)
    tie = np.sqrt(TIE_BREAK / len(z1))
    k = len(x1)

    def weights_for(v: np.ndarray) -> np.ndarray:
        root = np.sqrt(v)
        return simplex_weights(np.vstack([x0s * root[:, None], z0s * tie]), np.append(x1s * root, z1s * tie))

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

    best = min((minimize(objective, start, method="Nelder-Mead", options={"maxiter": maxiter})
                for start in _starting_v(x0s, x1s, z0, z1)), key=lambda r: float(r.fun))
    v = np.abs(best.x) / np.abs(best.x).sum()
    w = weights_for(v)
    return Fit(w, v, loss(w))


def _starting_v(x0s: np.ndarray, x1s: np.ndarray, z0: np.ndarray, z1: np.ndarray) -> list[np.ndarray]:
    """Equal weights and, as R's Synth also tries, weights from regressing the fit-period
    outcomes on the standardised predictors across units (diag of beta beta', normalised)."""
    k = len(x1s)
    starts = [np.full(k, 1.0 / k)]
    design = np.column_stack([np.ones(x0s.shape[1] + 1), np.column_stack([x0s, x1s]).T])
    beta, *_ = np.linalg.lstsq(design, np.column_stack([z0, z1]).T, rcond=None)
    diag = np.einsum("ij,ij->i", beta[1:], beta[1:])
    if np.isfinite(diag).all() and diag.sum() > 0:
        starts.append(diag / diag.sum())
    return starts


def _standardised(donors: np.ndarray, treated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows divided by their standard deviation across all units (constant rows left as they are)."""
    sd = np.column_stack([donors, treated]).std(axis=1, ddof=1)
    sd[sd == 0] = 1.0
    return donors / sd[:, None], treated / sd
