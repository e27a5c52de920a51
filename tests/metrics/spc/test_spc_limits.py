"""Limits against NHSRplotthedots' expected numbers (test-ptd_spc_standard.R snapshots,
test-ptd_spc.R summary snapshots and the 'deviations' vignette)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from carepool.metrics.spc import LIMIT, SCREEN, SpcOptions, segment_limits, xmr


def test_constants_are_the_making_data_count_ones() -> None:
    assert LIMIT == 2.66
    assert SCREEN == 3.267


def test_seed_123_snapshot_mean_and_limits(rnorm_123: tuple[float, ...]) -> None:
    # _snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627
    lim = segment_limits(rnorm_123[:20])
    assert lim.mean == pytest.approx(0.1416238, abs=5e-8)
    assert lim.lpl == pytest.approx(-3.01138, abs=5e-6)
    assert lim.upl == pytest.approx(3.294627, abs=5e-7)
    assert lim.upl - lim.mean == pytest.approx(LIMIT * lim.mean_moving_range)


def test_seed_123_relative_to_mean_snapshot(rnorm_123: tuple[float, ...], r_dates: list[date]) -> None:
    result = xmr(r_dates[:20], rnorm_123[:20])
    # the first 15 values printed in the snapshot
    expected = [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert [p.relative_to_mean for p in result.points][:15] == expected
    assert not any(p.outside_limits for p in result.points)
    # summary snapshot in _snaps/ptd_spc.md: n 20, common_cause 20, improvement 0
    (segment,) = result.segments
    assert (segment.n, segment.common_cause, segment.special_cause_improvement) == (20, 20, 0)
    assert segment.variation_type.value == "common_cause"


def test_outlier_screening_snapshot(rnorm_123: tuple[float, ...]) -> None:
    values = list(rnorm_123[:20])
    values[14] = 10  # data$y[15] <- 10
    screened = segment_limits(values)
    assert screened.mean == pytest.approx(0.6694159, abs=5e-8)
    assert screened.lpl == pytest.approx(-2.383666, abs=5e-7)
    assert screened.upl == pytest.approx(3.722497, abs=5e-7)
    # the two moving ranges either side of the outlier are the ones dropped
    assert [i for i, s in enumerate(screened.screened) if s] == [14, 15]

    unscreened = segment_limits(values, screen_outliers=False)
    assert unscreened.lpl == pytest.approx(-4.596625, abs=5e-7)
    assert unscreened.upl == pytest.approx(5.935457, abs=5e-7)
    assert not any(unscreened.screened)
    assert unscreened.upl - unscreened.lpl > screened.upl - screened.lpl


def test_deviations_vignette_screen_versus_excel() -> None:
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    dates = [date(2021, 3, 22) + timedelta(days=i) for i in range(len(data))]
    default = xmr(dates, [float(v) for v in data]).points[0]
    assert (round(default.upl, 2), round(default.mean, 2), round(default.lpl, 2)) == (4.6, 1.94, -0.72)
    excel = xmr(dates, [float(v) for v in data], SpcOptions(screen_outliers=False)).points[0]
    assert (round(excel.upl, 2), round(excel.mean, 2), round(excel.lpl, 2)) == (6.95, 1.94, -3.06)


def test_screening_keeps_ranges_strictly_below_the_cut() -> None:
    # ranges 1, 1, 1, 4: mean 1.75, cut 5.72 keeps all
    assert not any(segment_limits([0, 1, 0, 1, 5]).screened)
    # ranges 0 x 9 and 10: mean 1, cut 3.267 drops the 10 and the limits collapse on the mean
    lim = segment_limits([0.0] * 10 + [10.0])
    assert lim.screened[-1] is True
    assert lim.mean_moving_range == 0.0
    assert lim.upl == lim.lpl == lim.mean


def test_constant_segment_has_nan_limits_like_r() -> None:
    # every moving range is 0, none is < 3.267 x 0, so all are screened: R's mean() gives NaN
    lim = segment_limits([5.0, 5.0, 5.0])
    assert math.isnan(lim.mean_moving_range) and math.isnan(lim.upl)
    result = xmr([date(2024, 1, d) for d in (1, 2, 3)], [5.0, 5.0, 5.0])
    assert all(not p.special_cause_flag for p in result.points)
    assert segment_limits([5.0, 5.0, 5.0], screen_outliers=False).upl == 5.0


def test_summary_snapshot_by_facet(rnorm_123: tuple[float, ...]) -> None:
    # _snaps/ptd_spc.md: facet 0 -> 0.0746 -2.60 2.75; facet 1 -> 0.209 -3.28 3.70
    first, second = segment_limits(rnorm_123[:10]), segment_limits(rnorm_123[10:20])
    assert (round(first.mean, 4), round(first.lpl, 2), round(first.upl, 2)) == (0.0746, -2.60, 2.75)
    assert (round(second.mean, 3), round(second.lpl, 2), round(second.upl, 2)) == (0.209, -3.28, 3.70)


def test_fix_after_n_points_uses_only_the_first_points(rnorm_123: tuple[float, ...]) -> None:
    values = rnorm_123[:20]
    fixed = segment_limits(values, fix_after_n_points=12)
    assert fixed.mean == pytest.approx(sum(values[:12]) / 12)
    assert fixed.lpl != segment_limits(values).lpl
    assert fixed.upl != segment_limits(values).upl
    assert fixed.moving_ranges[12:] == (None,) * 8
    alone = segment_limits(values[:12])
    assert (fixed.mean, fixed.lpl, fixed.upl) == pytest.approx((alone.mean, alone.lpl, alone.upl))


def test_fixed_limits_still_judge_later_points() -> None:
    values = [1.0, 2.0] * 6 + [30.0]
    dates = [date(2024, 1, 1) + timedelta(days=i) for i in range(len(values))]
    result = xmr(dates, values, SpcOptions(fix_after_n_points=12))
    assert result.points[0].upl == pytest.approx(1.5 + 2.66)
    assert result.points[-1].outside_limits


def test_close_band_is_two_sigma() -> None:
    lim = segment_limits([1.0, 3.0, 1.0, 3.0])
    sigma = lim.mean_moving_range * LIMIT / 3
    assert lim.near_upl == pytest.approx(lim.mean + 2 * sigma)
    assert lim.near_lpl == pytest.approx(lim.mean - 2 * sigma)
