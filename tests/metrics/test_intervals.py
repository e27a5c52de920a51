"""Confidence intervals against published reference values."""

from __future__ import annotations

import pytest

from carepool.metrics import intervals


def test_exact_poisson_limits_match_the_standard_tables() -> None:
    assert intervals.exact_poisson_limits(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert intervals.exact_poisson_limits(1) == pytest.approx((0.0253, 5.5716), abs=1e-4)
    assert intervals.exact_poisson_limits(5) == pytest.approx((1.6235, 11.6683), abs=1e-4)


def test_byar_for_ten_or_more_and_exact_below() -> None:
    assert intervals.byar_limits(100) == pytest.approx((81.36, 121.63), abs=0.01)
    assert intervals.count_limits(5) == intervals.exact_poisson_limits(5)
    assert intervals.count_limits(10) == intervals.byar_limits(10)
    low, high = intervals.crude_rate_interval(100, 200_000, 100_000)
    assert (low, high) == pytest.approx((40.68, 60.815), abs=0.002)   # Byar 100 -> 81.36-121.63, halved


def test_wilson_matches_newcombes_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872: 81/263, score interval 0.2553 to 0.3662
    assert intervals.wilson_interval(81, 263, scale=1) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    low, high = intervals.wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and 0 < high < 35


def test_dobson_needs_events_and_widens_with_variance() -> None:
    assert intervals.dobson_interval(10.0, 0, 1.0) is None
    narrow = intervals.dobson_interval(100.0, 50, 100.0)
    wide = intervals.dobson_interval(100.0, 50, 400.0)
    assert narrow is not None and wide is not None
    assert wide[0] < narrow[0] < 100.0 < narrow[1] < wide[1]


def test_mean_interval_from_sums() -> None:
    values = [0, 0, 1, 2, 7]
    got = intervals.mean_interval(sum(values), len(values), sum(v * v for v in values))
    assert got is not None
    mean, sd = 2.0, (sum((v - 2.0) ** 2 for v in values) / 4) ** 0.5
    half = intervals.Z95 * sd / len(values) ** 0.5
    assert got == pytest.approx((mean - half, mean + half), abs=1e-12)
    assert intervals.mean_interval(3, 1, 9) is None
