"""The rule helpers, with the cases of NHSRplotthedots' test-ptd_calculate_point_type.R."""

from __future__ import annotations

from carepool.metrics.spc import SpecialCause, part_of_run, shift_ends, special_causes, trend_ends, two_in_three


def _ints(flags: list[bool] | list[int]) -> list[int]:
    return [int(f) for f in flags]


def test_shift_ends_as_ptd_seven_point_one_side_mean() -> None:
    assert shift_ends([]) == []
    assert _ints(shift_ends([1] * 6)) == [0] * 6
    assert _ints(shift_ends([1] * 6 + [-1])) == [0] * 7
    assert _ints(shift_ends([1] * 8 + [-1])) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert _ints(shift_ends([-1] * 8 + [1])) == [0, 0, 0, 0, 0, 0, 1, 1, 0]


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    assert not any(shift_ends([1, 1, 1, 0, 1, 1, 1, 1]))
    assert not any(shift_ends([0] * 10))


def test_part_of_run_as_ptd_part_of_seven_trend() -> None:
    assert part_of_run([]) == []
    assert _ints(part_of_run([0] * 6)) == [0] * 6
    assert _ints(part_of_run([0] * 6 + [1, 0])) == [1] * 7 + [0]
    assert _ints(part_of_run([0] * 7 + [1, 0])) == [0] + [1] * 7 + [0]
    assert _ints(part_of_run([0] * 6 + [-1, 0])) == [1] * 7 + [0]
    assert _ints(part_of_run([0] * 7 + [-1, 0])) == [0] + [1] * 7 + [0]


def test_trend_ends_as_ptd_seven_point_trend() -> None:
    assert trend_ends([]) == []
    assert trend_ends([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert trend_ends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7  # a tie breaks the trend
    assert trend_ends([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert trend_ends([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert trend_ends([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert trend_ends([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def test_two_in_three_as_ptd_two_in_three() -> None:
    assert two_in_three([], []) == []
    same_side = [1, 1, 1]
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert _ints(two_in_three([bool(c) for c in close], same_side)) == [1, 1, 1]
    g = two_in_three([False, False, True, False, True, False, False], [1] * 7)
    assert _ints(g) == [0, 0, 1, 1, 1, 0, 0]
    h = two_in_three([False, False, True, True, False, False, False], [1] * 7)
    assert _ints(h) == [0, 1, 1, 1, 1, 0, 0]


def test_two_in_three_needs_all_three_on_one_side() -> None:
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert not any(two_in_three([bool(c) for c in close], [1, -1, 1]))
    assert not any(two_in_three([False, False, True, False, True, False, False], [1, -1] * 3 + [1]))
    assert not any(two_in_three([False, False, True, True, False, False, False], [-1, 1] * 3 + [-1]))


def test_only_the_close_points_of_a_two_in_three_are_flagged() -> None:
    # ptd_part_of_two_in_three cases i and h: (1,0,0,1,1) -> (0,0,0,1,1); (1,0,0,1) -> none
    flags = special_causes([3, 1, 1, 3, 3], [1] * 5, [True, False, False, True, True], [False] * 5)
    assert _ints(list(flags.in_two_in_three)) == [0, 0, 0, 1, 1]
    flags = special_causes([3, 1, 1, 3], [1] * 4, [True, False, False, True], [False] * 4)
    assert not any(flags.in_two_in_three)


def test_precedence_outside_then_trend_then_two_in_three_then_shift() -> None:
    # the R test mocks every helper; here real inputs give each kind of label once
    values = [1.0, 2, 3, 4, 5, 6, 7, 8.0]  # one increasing trend over all 8 points
    side = [1, 1, 1, 1, -1, -1, -1, -1]
    close = [False] * 8
    outside = [False] * 5 + [True, True, False]
    flags = special_causes(values, side, close, outside)
    assert flags.causes[5] is SpecialCause.BELOW_LPL
    assert flags.causes[0] is SpecialCause.TREND_INCREASING
    assert flags.causes[7] is SpecialCause.TREND_INCREASING

    values = [5.0, 1, 5, 1, 5, 1, 5, 6, 6]
    flags = special_causes(values, [1] * 9, [False] * 6 + [True, True, False], [False] * 9)
    assert flags.causes[:6] == (SpecialCause.SHIFT_ABOVE,) * 6
    assert flags.causes[6:8] == (SpecialCause.TWO_IN_THREE_ABOVE,) * 2
    assert flags.causes[8] is SpecialCause.SHIFT_ABOVE


def test_trend_direction_labels_including_a_trend_that_turns() -> None:
    down = special_causes([7.0, 6, 5, 4, 3, 2, 1], [1, 1, 1, 0, -1, -1, -1], [False] * 7, [False] * 7)
    assert set(down.causes) == {SpecialCause.TREND_DECREASING}
    # 7 up then 7 down sharing the peak: the peak takes the direction of the step to its right
    up_down = [1.0, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    flags = special_causes(up_down, [0] * 13, [False] * 13, [False] * 13)
    assert flags.causes[:6] == (SpecialCause.TREND_INCREASING,) * 6
    assert flags.causes[6:] == (SpecialCause.TREND_DECREASING,) * 7


def test_run_lengths_are_configurable() -> None:
    side = [1] * 6 + [-1]
    assert not any(part_of_run(shift_ends(side, 7), 7))
    assert _ints(part_of_run(shift_ends(side, 6), 6)) == [1] * 6 + [0]
    assert _ints(part_of_run(shift_ends([1] * 9, 9), 9)) == [1] * 9
    assert trend_ends([1, 2, 3, 4, 5], 5) == [0, 0, 0, 0, 1]
    assert trend_ends([1, 2, 3, 4, 5], 6) == [0] * 5
    flags = special_causes([1.0, 2, 3, 4, 5], [-1, -1, 0, 1, 1], [False] * 5, [False] * 5, trend_length=5)
    assert set(flags.causes) == {SpecialCause.TREND_INCREASING}


def test_labels_follow_r_wording() -> None:
    assert SpecialCause.TREND_INCREASING.label() == "7 Point Trend (Increasing)"
    assert SpecialCause.SHIFT_BELOW.label(shift_length=8) == "8 Points Below CL"
    assert SpecialCause.TWO_IN_THREE_ABOVE.label() == "2 in 3 Above CL"
    assert SpecialCause.ABOVE_UPL.label() == "Above UCL"
    assert SpecialCause.COMMON_CAUSE.label() == "Common Cause"
    assert [c.direction for c in (SpecialCause.BELOW_LPL, SpecialCause.COMMON_CAUSE,
                                  SpecialCause.TREND_INCREASING)] == [-1, 0, 1]
