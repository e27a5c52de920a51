"""Typed records for XmR (Making Data Count) results.

Names follow NHSRplotthedots so a reader can compare our output with the R package
column by column: ``mean`` is its ``mean_col``, ``lpl``/``upl`` its process limits,
``point_type`` its ``point_type`` and :class:`SpecialCause` its ``special_cause_type``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from carepool.errors import InputError

# NHSRplotthedots: a group shorter than this gets "trial limits" (its warning_threshold
# option defaults to 13 in ptd_add_short_group_warnings, i.e. 12 points or fewer).
SHORT_SEGMENT_THRESHOLD = 13
# The R package refuses fix_after_n_points below 12.
MIN_FIX_AFTER_N_POINTS = 12
# A moving range needs two points, so every segment needs at least two.
MIN_POINTS_PER_SEGMENT = 2


class Improvement(StrEnum):
    """Which way is better for the measure (``improvement_direction`` in R)."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        return {"increase": 1, "decrease": -1, "neutral": 0}[self.value]


class SpecialCause(StrEnum):
    """Why a point is special cause; R's labels are in :attr:`label` (run length 7)."""

    COMMON_CAUSE = "common_cause"
    ABOVE_UPL = "above_upl"
    BELOW_LPL = "below_lpl"
    TREND_INCREASING = "trend_increasing"
    TREND_DECREASING = "trend_decreasing"
    TWO_IN_THREE_ABOVE = "two_in_three_above"
    TWO_IN_THREE_BELOW = "two_in_three_below"
    SHIFT_ABOVE = "shift_above"
    SHIFT_BELOW = "shift_below"

    @property
    def direction(self) -> int:
        """+1 for a high signal, -1 for a low one, 0 for common cause."""
        if self is SpecialCause.COMMON_CAUSE:
            return 0
        return 1 if self.value.endswith(("above", "upl", "increasing")) else -1

    def label(self, shift_length: int = 7, trend_length: int = 7) -> str:
        """The wording of NHSRplotthedots' ``special_cause_type`` column."""
        return {
            "common_cause": "Common Cause",
            "above_upl": "Above UCL",
            "below_lpl": "Below LCL",
            "trend_increasing": f"{trend_length} Point Trend (Increasing)",
            "trend_decreasing": f"{trend_length} Point Trend (Decreasing)",
            "two_in_three_above": "2 in 3 Above CL",
            "two_in_three_below": "2 in 3 Below CL",
            "shift_above": f"{shift_length} Points Above CL",
            "shift_below": f"{shift_length} Points Below CL",
        }[self.value]


class PointType(StrEnum):
    """A point's colour in Making Data Count, oriented by the improvement direction."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class VariationIcon(StrEnum):
    """The variation icon of the latest point (named as R's icon files)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class AssuranceIcon(StrEnum):
    """Whether the process will meet a target (R's ``assurance_type``)."""

    CONSISTENT_PASS = "consistent_pass"
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True, slots=True)
class SpcOptions:
    """The knobs of ``ptd_spc``; run lengths are ours (R fixes both at 7)."""

    improvement: Improvement = Improvement.INCREASE
    target: float | None = None
    rebase: tuple[date, ...] = ()
    fix_after_n_points: int | None = None
    screen_outliers: bool = True
    shift_length: int = 7
    trend_length: int = 7
    short_segment_threshold: int = SHORT_SEGMENT_THRESHOLD

    def __post_init__(self) -> None:
        if self.fix_after_n_points is not None and self.fix_after_n_points < MIN_FIX_AFTER_N_POINTS:
            raise InputError(f"must be at least {MIN_FIX_AFTER_N_POINTS}, got {self.fix_after_n_points}",
                             where="fix_after_n_points")
        for name in ("shift_length", "trend_length"):
            if getattr(self, name) < 2:
                raise InputError(f"must be at least 2, got {getattr(self, name)}", where=name)
        if self.target is not None and self.target != self.target:
            raise InputError("must be a number, got NaN", where="target")


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One point with its segment's limits and the rules it takes part in."""

    date: date
    value: float
    segment: int
    mean: float
    lpl: float
    upl: float
    moving_range: float | None
    moving_range_screened: bool
    outside_limits: bool
    relative_to_mean: int
    close_to_limits: bool
    in_trend: bool
    in_two_in_three: bool
    in_shift: bool
    special_cause: SpecialCause
    point_type: PointType
    target: float | None
    short_segment: bool

    @property
    def special_cause_flag(self) -> bool:
        return self.special_cause is not SpecialCause.COMMON_CAUSE


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    """One rebase segment, as a row of R's ``summary()`` of a ``ptd_spc_df``."""

    segment: int
    start: date
    end: date
    n: int
    mean: float
    lpl: float
    upl: float
    mean_moving_range: float
    common_cause: int
    special_cause_improvement: int
    special_cause_concern: int
    variation_type: PointType
    short_segment: bool


@dataclass(frozen=True, slots=True)
class SpcResult:
    """An XmR chart: points in date order, segments, and the two icons."""

    options: SpcOptions
    points: tuple[SpcPoint, ...]
    segments: tuple[SegmentSummary, ...]
    variation: VariationIcon
    assurance: AssuranceIcon | None
    notes: tuple[str, ...] = field(default=())

    @property
    def latest(self) -> SpcPoint:
        return self.points[-1]
