"""The Making Data Count special-cause rules, as NHSRplotthedots applies them per segment.

Each rule first marks where a pattern *ends*, then every point of the pattern is flagged
(R's ``ptd_part_of_seven_trend``). Precedence when a point takes part in several rules:
outside the limits, then trend, then two-in-three, then shift (run on one side).
R fixes both run lengths at 7; here they are parameters defaulting to 7.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carepool.metrics.spc.model import SpecialCause


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def shift_ends(side: Sequence[int], length: int = 7) -> list[bool]:
    """True where ``length`` consecutive points end on the same side of the mean.

    A point exactly on the mean (side 0) breaks a run, as in R.
    """
    return [
        i >= length - 1 and side[i] != 0 and all(side[j] == side[i] for j in range(i - length + 1, i))
        for i in range(len(side))
    ]


def trend_ends(values: Sequence[float], length: int = 7) -> list[int]:
    """+1 / -1 where ``length`` strictly increasing / decreasing points end, else 0."""
    ends = [0] * len(values)
    for i in range(length - 1, len(values)):
        steps = {_sign(values[j] - values[j - 1]) for j in range(i - length + 2, i + 1)}
        if steps == {1}:
            ends[i] = 1
        elif steps == {-1}:
            ends[i] = -1
    return ends


def part_of_run(ends: Sequence[int | bool], length: int = 7) -> list[bool]:
    """True for a point that is one of the ``length`` points of a marked run."""
    n = len(ends)
    return [any(ends[j] for j in range(i, min(i + length, n))) for i in range(n)]


def two_in_three(close: Sequence[bool], side: Sequence[int]) -> list[bool]:
    """True where some window of three points holding this one has at least two points
    close to a limit and all three points on the same side of the mean (R ``ptd_two_in_three``)."""
    n = len(close)
    flags = []
    for i in range(n):
        hit = False
        for start in (i - 2, i - 1, i):
            window = range(start, start + 3)
            if start < 0 or start + 2 >= n:
                continue  # R pads with zeros, so a window past either end never qualifies
            if sum(close[j] for j in window) >= 2 and abs(sum(side[j] for j in window)) == 3:
                hit = True
        flags.append(hit)
    return flags


@dataclass(frozen=True, slots=True)
class RuleFlags:
    """Per-point membership of each rule and the resulting special cause."""

    in_trend: tuple[bool, ...]
    in_two_in_three: tuple[bool, ...]
    in_shift: tuple[bool, ...]
    causes: tuple[SpecialCause, ...]


def _trend_directions(values: Sequence[float], in_trend: Sequence[bool]) -> list[int]:
    """Direction of each trend point: the step to its right while the trend continues,
    else the step from its left (R's ``sdy``); a zero step reads as decreasing, as in R."""
    n = len(values)
    steps = [_sign(values[i + 1] - values[i]) for i in range(n - 1)]
    right = [*steps, steps[-1]] if steps else [0] * n
    left = [0, *steps]
    return [
        right[i] if (i + 1 < n and in_trend[i + 1] and in_trend[i]) else left[i]
        for i in range(n)
    ]


def special_causes(
    values: Sequence[float],
    side: Sequence[int],
    close: Sequence[bool],
    outside: Sequence[bool],
    *,
    shift_length: int = 7,
    trend_length: int = 7,
) -> RuleFlags:
    """Apply the four rules to one segment (R ``ptd_special_cause_type``)."""
    in_trend = part_of_run(trend_ends(values, trend_length), trend_length)
    windows = two_in_three(close, side)
    in_two = [w and c for w, c in zip(windows, close, strict=True)]
    in_shift = part_of_run(shift_ends(side, shift_length), shift_length)
    trend_dir = _trend_directions(values, in_trend)
    causes = []
    for i in range(len(values)):
        above = side[i] > 0
        if outside[i]:
            cause = SpecialCause.ABOVE_UPL if side[i] == 1 else SpecialCause.BELOW_LPL
        elif in_trend[i]:
            cause = SpecialCause.TREND_INCREASING if trend_dir[i] == 1 else SpecialCause.TREND_DECREASING
        elif in_two[i]:
            cause = SpecialCause.TWO_IN_THREE_ABOVE if above else SpecialCause.TWO_IN_THREE_BELOW
        elif in_shift[i]:
            cause = SpecialCause.SHIFT_ABOVE if above else SpecialCause.SHIFT_BELOW
        else:
            cause = SpecialCause.COMMON_CAUSE
        causes.append(cause)
    return RuleFlags(tuple(in_trend), tuple(in_two), tuple(in_shift), tuple(causes))
