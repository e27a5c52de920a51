"""End-to-end XmR results: icons (test-geom_ptd_icon.R), assurance
(test-ptd_calculate_assurance_type.R), rebasing, each rule on a real series, bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carepool.errors import InputError
from carepool.metrics.spc import (
    AssuranceIcon,
    Improvement,
    PointType,
    SpcOptions,
    SpecialCause,
    VariationIcon,
    assurance_icon,
    xmr,
)


def _dates(n: int, start: date = date(2024, 1, 1)) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


@pytest.mark.parametrize(
    ("half", "target", "improvement", "variation", "assurance"),
    [
        ("high", -3.0, "increase", VariationIcon.IMPROVEMENT_HIGH, AssuranceIcon.CONSISTENT_PASS),  # s5
        ("high", -3.0, "decrease", VariationIcon.CONCERN_HIGH, AssuranceIcon.CONSISTENT_FAIL),  # s6
        ("low", 3.0, "increase", VariationIcon.CONCERN_LOW, AssuranceIcon.CONSISTENT_FAIL),  # s7
        ("low", 3.0, "decrease", VariationIcon.IMPROVEMENT_LOW, AssuranceIcon.CONSISTENT_PASS),  # s8
        ("low", 3.0, "neutral", VariationIcon.NEUTRAL_LOW, None),  # s9: no assurance icon
    ],
)
def test_icons_as_ptd_get_icons(
    rnorm_123: tuple[float, ...], high_low: tuple[tuple[float, ...], tuple[float, ...]], r_dates: list[date],
    half: str, target: float, improvement: str, variation: VariationIcon, assurance: AssuranceIcon | None,
) -> None:
    high, low = high_low
    values = list(rnorm_123[:12]) + list(high if half == "high" else low)
    result = xmr(r_dates, values, SpcOptions(target=target, improvement=Improvement(improvement)))
    assert result.variation is variation
    assert result.assurance is assurance


def test_common_cause_icons_as_ptd_get_icons(rnorm_123: tuple[float, ...], r_dates: list[date]) -> None:
    plain = xmr(r_dates, rnorm_123)  # s1
    assert plain.variation is VariationIcon.COMMON_CAUSE
    assert plain.assurance is None
    with_target = xmr(r_dates, rnorm_123, SpcOptions(target=0.5))  # s2
    assert with_target.assurance is AssuranceIcon.INCONSISTENT
    for facet in (rnorm_123[:12], rnorm_123[12:]):  # s3/s4: each facet on its own
        result = xmr(r_dates[:12], facet, SpcOptions(target=0.5))
        assert (result.variation, result.assurance) == (VariationIcon.COMMON_CAUSE, AssuranceIcon.INCONSISTENT)


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        (Improvement.INCREASE, [AssuranceIcon.CONSISTENT_FAIL, AssuranceIcon.CONSISTENT_PASS,
                                AssuranceIcon.INCONSISTENT]),
        (Improvement.DECREASE, [AssuranceIcon.CONSISTENT_PASS, AssuranceIcon.CONSISTENT_FAIL,
                                AssuranceIcon.INCONSISTENT]),
        (Improvement.NEUTRAL, [None, None, None]),
    ],
)
def test_assurance_table(improvement: Improvement, expected: list[AssuranceIcon | None]) -> None:
    # test-ptd_calculate_assurance_type.R: target 4 against (lpl, upl) = (1, 3), (5, 7), (1, 5)
    got = [assurance_icon(4.0, lpl, upl, improvement) for lpl, upl in ((1, 3), (5, 7), (1, 5))]
    assert got == expected
    assert assurance_icon(None, 1, 3, improvement) is None


def test_assurance_uses_the_latest_segment() -> None:
    values = [10.0, 11.0] * 8 + [50.0, 51.0] * 8
    dates = _dates(32)
    result = xmr(dates, values, SpcOptions(target=30.0, rebase=(dates[16],)))
    assert result.points[0].upl < 30 < result.points[-1].lpl
    assert result.assurance is AssuranceIcon.CONSISTENT_PASS
    falling = xmr(dates, values, SpcOptions(target=30.0, rebase=(dates[16],), improvement=Improvement.DECREASE))
    assert falling.assurance is AssuranceIcon.CONSISTENT_FAIL


def test_rebase_gives_each_segment_its_own_limits() -> None:
    values = [10.0, 12.0] * 6 + [20.0, 23.0] * 6
    dates = _dates(24)
    whole = xmr(dates, values)
    rebased = xmr(dates, values, SpcOptions(rebase=(dates[12],)))
    assert {p.segment for p in whole.points} == {0}
    assert [p.segment for p in rebased.points] == [0] * 12 + [1] * 12
    first, second = rebased.segments
    assert (first.mean, second.mean) == (11.0, 21.5)
    assert first.upl == pytest.approx(11 + 2.66 * 2)
    assert second.upl == pytest.approx(21.5 + 2.66 * 3)
    # the jump between segments is no moving range of either
    assert rebased.points[12].moving_range is None
    assert not any(p.special_cause_flag for p in rebased.points)
    assert any(p.special_cause_flag for p in whole.points)


def test_rebase_at_the_first_date_changes_nothing(rnorm_123: tuple[float, ...], r_dates: list[date]) -> None:
    plain = xmr(r_dates[:20], rnorm_123[:20])
    rebased = xmr(r_dates[:20], rnorm_123[:20], SpcOptions(rebase=(r_dates[0],)))
    assert [p.upl for p in rebased.points] == [p.upl for p in plain.points]


def test_points_are_sorted_by_date() -> None:
    dates = _dates(4)
    result = xmr([dates[2], dates[0], dates[3], dates[1]], [3.0, 1.0, 4.0, 2.0])
    assert [p.value for p in result.points] == [1.0, 2.0, 3.0, 4.0]


def test_shift_of_seven_triggers_and_six_does_not() -> None:
    base = [3.0, 1.0] * 5  # mean 2, ending below it
    seven = xmr(_dates(17), [*base, *[2.5] * 7])
    six = xmr(_dates(17), [*base, *[2.5] * 6, 1.0])
    assert [p.special_cause for p in seven.points[-7:]] == [SpecialCause.SHIFT_ABOVE] * 7
    assert all(p.point_type is PointType.IMPROVEMENT for p in seven.points[-7:])
    assert not any(p.special_cause_flag for p in six.points)


def test_trend_of_seven_triggers_and_six_does_not() -> None:
    base = [5.0, 6.0] * 4
    seven = xmr(_dates(15), [*base, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7])
    assert [p.special_cause for p in seven.points[-7:]] == [SpecialCause.TREND_INCREASING] * 7
    six = xmr(_dates(14), [*base, 5.1, 5.2, 5.3, 5.4, 5.5, 5.6])
    assert not any(p.in_trend for p in six.points)
    falling = [*base, 5.7, 5.6, 5.5, 5.4, 5.3, 5.2, 5.1]
    down = xmr(_dates(15), falling, SpcOptions(improvement=Improvement.DECREASE))
    assert all(p.point_type is PointType.IMPROVEMENT for p in down.points[-7:])


def test_point_beyond_the_limits_is_concern_when_lower_is_better() -> None:
    values = [1.0, 2.0] * 8 + [10.0]
    result = xmr(_dates(17), values, SpcOptions(improvement=Improvement.DECREASE))
    last = result.latest
    assert last.outside_limits and last.special_cause is SpecialCause.ABOVE_UPL
    assert last.point_type is PointType.CONCERN
    assert result.variation is VariationIcon.CONCERN_HIGH
    assert result.segments[0].special_cause_concern == 1


def test_two_in_three_close_to_a_limit_triggers() -> None:
    values = [0.0, 1.0] * 8 + [3.0, 1.0, 3.0]  # mean 0.79, amr 1.17: 2 sigma 2.86 < 3.0 < upl 3.89
    result = xmr(_dates(19), values)
    assert result.points[-1].close_to_limits and not result.points[-1].outside_limits
    flagged = [p.special_cause for p in result.points if p.special_cause_flag]
    assert flagged == [SpecialCause.TWO_IN_THREE_ABOVE] * 2
    assert result.points[-2].special_cause is SpecialCause.COMMON_CAUSE  # not itself close
    one = xmr(_dates(19), [0.0, 1.0] * 8 + [3.0, 1.0, 1.0])
    assert one.points[-3].close_to_limits
    assert not any(p.special_cause_flag for p in one.points)


def test_two_in_three_on_opposite_sides_is_common_cause() -> None:
    # test-ptd_spc_standard.R: symmetrical data, then 5.5 and -5.5 as the last two points
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    result = xmr(_dates(16), values)
    assert [p.point_type for p in result.points[-2:]] == [PointType.COMMON_CAUSE] * 2


def test_neutral_direction_marks_high_and_low() -> None:
    values = [1.0, 2.0] * 8 + [10.0, -8.0]
    result = xmr(_dates(18), values, SpcOptions(improvement=Improvement.NEUTRAL))
    assert [p.point_type for p in result.points[-2:]] == [PointType.NEUTRAL_HIGH, PointType.NEUTRAL_LOW]
    assert result.variation is VariationIcon.NEUTRAL_LOW


def test_short_segments_are_trial_limits() -> None:
    short = xmr(_dates(12), [1.0, 2.0] * 6)
    assert all(p.short_segment for p in short.points) and short.notes
    full = xmr(_dates(13), [1.0, 2.0] * 6 + [1.0])
    assert not any(p.short_segment for p in full.points) and not full.notes


@pytest.mark.parametrize(
    ("dates", "values", "options", "message"),
    [
        ([], [], None, "no points"),
        ([date(2024, 1, 1)], [1.0], None, "at least 2"),
        ([date(2024, 1, 1), date(2024, 1, 1)], [1.0, 2.0], None, "appears twice"),
        ([date(2024, 1, 1), date(2024, 1, 2)], [1.0, float("nan")], None, "not a finite number"),
        ([date(2024, 1, 1)], [1.0, 2.0], None, "1 dates but 2 values"),
        (_dates(4), [1.0, 2.0, 3.0, 4.0], SpcOptions(rebase=(date(2030, 1, 1),)), "not a date of the series"),
        (_dates(4), [1.0, 2.0, 3.0, 4.0], SpcOptions(rebase=(_dates(4)[3],)), "has 1 point(s)"),
    ],
)
def test_bad_input_is_refused(
    dates: list[date], values: list[float], options: SpcOptions | None, message: str
) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        xmr(dates, values, options)


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [({"fix_after_n_points": 11}, "fix_after_n_points"), ({"shift_length": 1}, "shift_length"),
     ({"trend_length": 0}, "trend_length"), ({"target": float("nan")}, "target")],
)
def test_bad_options_are_refused(kwargs: dict[str, float], where: str) -> None:
    with pytest.raises(InputError) as info:
        SpcOptions(**kwargs)  # type: ignore[arg-type]
    assert info.value.where == where
