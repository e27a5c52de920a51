"""Newey-West covariance with AR(1) prewhitening (Andrews and Monahan 1992).

Plain Newey-West understates the variance of an interruption effect in short monthly series
with autocorrelated errors (with AR(1) rho 0.3 and 96 months, by about 15%, so 95% intervals
cover about 87%). Filtering the scores with the residuals' AR(1) (bias-corrected), applying the
Bartlett kernel to what is left and recolouring removes most of that bias. Scores come from
the fitted model itself (``score_obs``), so it works for every GLM family.

It is the ITS option ``errors="prewhitened"``; the default is the latent-AR(1) covariance
(``latent.py``), which in the same simulations covers about 95% where this covers about 90%.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from carepool.evaluation.results import Estimate

MAX_AR = 0.97   # Andrews-Monahan cap: keeps the recolouring finite


def bartlett(scores: np.ndarray, lags: int) -> np.ndarray:
    """Long-run covariance of the rows of ``scores`` with Bartlett weights 1 - j/(lags+1)."""
    n = scores.shape[0]
    s = scores.T @ scores
    for j in range(1, min(lags, n - 1) + 1):
        gamma = scores[j:].T @ scores[:-j]
        s += (1 - j / (lags + 1)) * (gamma + gamma.T)
    return np.asarray(s)


def residual_ar1(residuals: np.ndarray) -> float:
    """AR(1) coefficient of the residuals, with Kendall's small-sample bias correction."""
    e = residuals - residuals.mean()
    n = e.size
    rho = float(e[1:] @ e[:-1] / (e @ e)) if e @ e > 0 else 0.0
    return float(np.clip(rho + (1 + 3 * rho) / n, -MAX_AR, MAX_AR))


def prewhitened(scores: np.ndarray, residuals: np.ndarray, lags: int) -> np.ndarray:
    """Long-run covariance of the scores after filtering them with the residuals' AR(1).

    Each score is a design weight times a residual; the filter removes the residuals'
    autocorrelation, the Bartlett kernel takes what is left, and the recolouring restores
    the long-run variance (Andrews and Monahan 1992, with a scalar filter).
    """
    rho = residual_ar1(residuals)
    filtered = scores[1:] - rho * scores[:-1]
    return bartlett(filtered, lags) / (1.0 - rho) ** 2


def sandwich(result: object, lags: int) -> np.ndarray:
    """Robust covariance of a fitted statsmodels GLM: H^-1 S H^-1 with S prewhitened, df-corrected."""
    model = result.model  # type: ignore[attr-defined]
    params = np.asarray(result.params)  # type: ignore[attr-defined]
    scores = np.asarray(model.score_obs(params))
    residuals = np.asarray(result.resid_pearson)  # type: ignore[attr-defined]
    bread = np.linalg.inv(-np.asarray(model.hessian(params)))
    n, k = scores.shape
    meat = prewhitened(scores, residuals, lags) * n / (n - k)
    return np.asarray(bread @ meat @ bread)


def estimate(result: object, cov: np.ndarray, i: int, confidence: float = 0.95) -> Estimate:
    """Estimate, SE, t interval and p-value of coefficient ``i`` under ``cov``."""
    params = np.asarray(result.params)  # type: ignore[attr-defined]
    n, k = np.asarray(result.model.exog).shape  # type: ignore[attr-defined]
    se = float(np.sqrt(cov[i, i]))
    df = n - k
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    t = params[i] / se if se > 0 else np.inf
    p = float(2 * stats.t.sf(abs(t), df))
    return Estimate(float(params[i]), se, float(params[i] - crit * se), float(params[i] + crit * se), p)
