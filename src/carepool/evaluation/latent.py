"""Covariance of a GLM fit under a latent AR(1) process on the link scale (Zeger 1988).

Monthly counts vary for two reasons: count noise, independent from month to month, and a slowly
moving latent level (staffing, weather, coding drift) that carries over from one month to the
next. Zeger's (1988) regression model for time series of counts writes the second as an AR(1)
on the log scale. On the GLM's working scale (response ``z = eta + (y - mu) g'(mu)``, weights
``w``) the covariance is then

    Sigma = phi * (diag(1 / w) + gamma * mean(1 / w) * R(rho)),    R(rho)[s, t] = rho ** |s - t|,

white count noise (the family's variance, times a free dispersion ``phi``) plus an AR(1) with
variance ``phi * gamma * mean(1 / w)`` and correlation ``rho``. The three variance parameters are estimated by
restricted maximum likelihood (REML: it integrates the regression coefficients out, so the
short-series downward bias of residual-based estimates is avoided), and the covariance of the
GLM coefficients is the sandwich ``B X'W Sigma W X B`` with ``B = (X'WX)^-1``: the point
estimate stays the ordinary GLM estimate; only its variance changes.

Why not Newey-West: a kernel estimator of the long-run variance is biased down in a series of
96 months, and the level change at an interruption depends on the whole autocovariance, not
just a few lags. With latent AR(1) rho 0.3 plain Newey-West 95% intervals cover about 88%, and
AR(1)-prewhitened Newey-West about 90%; the latent-AR(1) covariance covers about 95% (rho 0,
0.3 and 0.6: 0.97, 0.96 and 0.95 in 300 replications, against 0.93, 0.88 and 0.81 for plain
Newey-West; see ``tests/evaluation/test_its.py``). Under white noise it is slightly
conservative: REML cannot estimate a latent variance below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg, optimize

MAX_RHO = float(np.tanh(2.5))     # |rho| <= 0.987: keeps R(rho) well conditioned
LOG_GAMMA = (-12.0, 8.0)          # gamma relative to the mean white variance


@dataclass(frozen=True)
class LatentAr1:
    """Fitted working-scale covariance and the coefficient covariance it implies."""

    cov: np.ndarray        # covariance of the GLM coefficients
    phi: float             # dispersion of the white part
    gamma: float           # latent AR(1) variance relative to phi * mean(1 / w)
    rho: float             # latent AR(1) correlation


def covariance(result: Any) -> LatentAr1:
    """Latent-AR(1) covariance of a fitted statsmodels GLM (rows in time order)."""
    model = result.model
    x = np.asarray(model.exog, dtype=float)
    mu = np.asarray(result.mu, dtype=float)
    offset = np.asarray(model.offset, dtype=float) if model.offset is not None else 0.0
    eta = np.asarray(model.family.link(mu), dtype=float) - offset
    z = eta + np.asarray(result.resid_working, dtype=float)
    w = np.asarray(model.family.weights(mu), dtype=float)
    phi, gamma, rho, sigma = reml(z, x, 1.0 / w)
    bread = np.linalg.inv(x.T @ (w[:, None] * x))
    xw = x * w[:, None]
    cov = bread @ xw.T @ sigma @ xw @ bread
    return LatentAr1(np.asarray(cov), phi, gamma, rho)


def reml(z: np.ndarray, x: np.ndarray, white: np.ndarray) -> tuple[float, float, float, np.ndarray]:
    """REML fit of ``Var(z) = phi (diag(white) + gamma * mean(white) * R(rho))`` for ``z = x b + e``.

    Returns ``phi``, ``gamma``, ``rho`` and the fitted covariance of ``z``. ``phi`` is profiled
    out; ``log gamma`` and ``atanh rho`` are found by bounded quasi-Newton (L-BFGS-B).
    """
    n, k = x.shape
    lags = np.arange(n, dtype=float)
    scale = float(np.mean(white))
    diag = np.diag(white / scale)

    def shape(theta: np.ndarray) -> np.ndarray:
        return np.asarray(diag + np.exp(theta[0]) * linalg.toeplitz(np.tanh(theta[1]) ** lags))

    def quadratic(v: np.ndarray) -> tuple[tuple[np.ndarray, bool], np.ndarray, float]:
        chol = linalg.cho_factor(v, lower=True, check_finite=False)
        vx = linalg.cho_solve(chol, x, check_finite=False)
        vz = linalg.cho_solve(chol, z, check_finite=False)
        a = x.T @ vx
        b = np.linalg.solve(a, x.T @ vz)
        return chol, a, float(z @ vz - b @ (x.T @ vz))

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        """-2 x profiled REML log-likelihood (up to a constant) and its gradient."""
        rho = float(np.tanh(theta[1]))
        corr = linalg.toeplitz(rho ** lags)
        v = diag + np.exp(theta[0]) * corr
        try:
            chol = linalg.cho_factor(v, lower=True, check_finite=False)
            vinv = linalg.cho_solve(chol, np.eye(n), check_finite=False)
            vx = vinv @ x
            a = x.T @ vx
            proj = vinv - vx @ np.linalg.solve(a, vx.T)    # P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1
        except (linalg.LinAlgError, np.linalg.LinAlgError):
            return 1e12, np.zeros(2)
        pz = proj @ z
        q = float(z @ pz)
        if not q > 0:
            return 1e12, np.zeros(2)
        logdet = 2.0 * float(np.sum(np.log(np.diag(chol[0]))))
        value = float((n - k) * np.log(q) + logdet + np.linalg.slogdet(a)[1])
        dcorr = linalg.toeplitz(lags * rho ** np.maximum(lags - 1, 0)) * (1 - rho ** 2)
        grad = np.empty(2)
        for j, dv in enumerate((np.exp(theta[0]) * corr, np.exp(theta[0]) * dcorr)):
            grad[j] = float(np.sum(proj * dv)) - (n - k) / q * float(pz @ dv @ pz)
        return value, grad

    bounds = [LOG_GAMMA, (-float(np.arctanh(MAX_RHO)), float(np.arctanh(MAX_RHO)))]
    best = optimize.minimize(objective, np.array([0.0, 0.3]), jac=True, method="L-BFGS-B", bounds=bounds)
    v = shape(best.x)
    _, _, q = quadratic(v)
    phi = q / (n - k) / scale
    return phi, float(np.exp(best.x[0])), float(np.tanh(best.x[1])), np.asarray(v * q / (n - k))
