"""Confidence intervals as the published indicators compute them (OHID/PHE technical guidance).

Crude rates: Byar's approximation to the Poisson limits for counts of 10 or more, the exact
Poisson (chi-squared) limits below 10. Directly standardised rates: Dobson's method, built on the
same limits for the total count. Proportions: Wilson's score interval. Means: the normal
approximation from the sum of squares. Pure Python, so both engines' results get identical limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)


def _poisson_cdf(k: int, mean: float) -> float:
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def _solve(cdf: Callable[[float], float], target: float, low: float, high: float) -> float:
    """The mean at which ``cdf`` (decreasing in the mean) equals ``target``."""
    for _ in range(200):
        mid = (low + high) / 2
        if cdf(mid) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def exact_poisson_limits(observed: int, z: float = Z95) -> tuple[float, float]:
    """Exact limits for a Poisson count (the chi-squared method), by bisection on the CDF."""
    alpha = 2 * (1 - NormalDist().cdf(z))
    upper = _solve(lambda m: _poisson_cdf(observed, m), alpha / 2, 0.0, observed + 50.0 + 10 * observed)
    lower = 0.0 if observed == 0 else _solve(lambda m: _poisson_cdf(observed - 1, m), 1 - alpha / 2,
                                             0.0, observed + 50.0)
    return lower, upper


def byar_limits(observed: int, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the Poisson limits of a count."""
    o = observed
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3 if o > 0 else 0.0
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


def count_limits(observed: int, z: float = Z95) -> tuple[float, float]:
    """Byar's method for 10 or more events, the exact method below (as OHID/PHE do)."""
    return byar_limits(observed, z) if observed >= 10 else exact_poisson_limits(observed, z)


def crude_rate_interval(observed: int, population: int, scale: int, z: float = Z95) -> tuple[float, float]:
    low, high = count_limits(observed, z)
    return low * scale / population, high * scale / population


def dobson_interval(dsr: float, observed: int, variance: float, z: float = Z95) -> tuple[float, float] | None:
    """Dobson's limits for a directly standardised rate with total count ``observed`` and
    ``variance`` = var(DSR) on the DSR's own scale. None when there are no events."""
    if observed <= 0:
        return None
    low, high = count_limits(observed, z)
    factor = math.sqrt(variance / observed)
    return dsr + factor * (low - observed), dsr + factor * (high - observed)


def wilson_interval(successes: int, total: int, scale: int = 100, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion, on ``scale`` (100 for a percentage)."""
    p = successes / total
    centre = 2 * successes + z * z
    spread = z * math.sqrt(z * z + 4 * successes * (1 - p))
    denominator = 2 * (total + z * z)
    return (centre - spread) / denominator * scale, (centre + spread) / denominator * scale


def mean_interval(total: float, count: int, sum_squares: float, z: float = Z95) -> tuple[float, float] | None:
    """Normal-approximation limits for a mean from its sum, count and sum of squares."""
    if count < 2:
        return None
    mean = total / count
    variance = max(0.0, (sum_squares - count * mean * mean) / (count - 1))
    half = z * math.sqrt(variance / count)
    return mean - half, mean + half
