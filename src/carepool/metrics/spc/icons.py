"""Point types and the two Making Data Count icons (variation and assurance).

Both icons describe the *latest* point and its segment's limits, as NHSRplotthedots'
``ptd_get_icons`` and ``ptd_calculate_assurance_type`` do.
"""

from __future__ import annotations

from carepool.metrics.spc.model import (
    AssuranceIcon,
    Improvement,
    PointType,
    SpecialCause,
    VariationIcon,
)


def point_type(cause: SpecialCause, improvement: Improvement) -> PointType:
    """Orient a special cause by the improvement direction (R ``ptd_point_type``)."""
    direction = cause.direction
    if direction == 0:
        return PointType.COMMON_CAUSE
    if improvement is Improvement.NEUTRAL:
        return PointType.NEUTRAL_HIGH if direction > 0 else PointType.NEUTRAL_LOW
    oriented = direction * improvement.sign
    return PointType.IMPROVEMENT if oriented > 0 else PointType.CONCERN


def variation_icon(latest: PointType, improvement: Improvement) -> VariationIcon:
    """The variation icon for the latest point's type.

    Improvement is "high" when higher is better, concern is then "low", and the other way
    round for a decreasing measure.
    """
    increasing = improvement is Improvement.INCREASE
    return {
        PointType.COMMON_CAUSE: VariationIcon.COMMON_CAUSE,
        PointType.NEUTRAL_HIGH: VariationIcon.NEUTRAL_HIGH,
        PointType.NEUTRAL_LOW: VariationIcon.NEUTRAL_LOW,
        PointType.IMPROVEMENT: VariationIcon.IMPROVEMENT_HIGH if increasing else VariationIcon.IMPROVEMENT_LOW,
        PointType.CONCERN: VariationIcon.CONCERN_LOW if increasing else VariationIcon.CONCERN_HIGH,
    }[latest]


def assurance_icon(
    target: float | None, lpl: float, upl: float, improvement: Improvement
) -> AssuranceIcon | None:
    """Will the process meet the target? ``None`` without a target or for a neutral measure.

    A target above the upper limit can never be reached by an increasing measure (fail)
    and is always met by a decreasing one (pass); below the lower limit, the reverse.
    Otherwise - including NaN limits - the process hits and misses: inconsistent.
    """
    if target is None or improvement is Improvement.NEUTRAL:
        return None
    increasing = improvement is Improvement.INCREASE
    if target > upl:
        return AssuranceIcon.CONSISTENT_FAIL if increasing else AssuranceIcon.CONSISTENT_PASS
    if target < lpl:
        return AssuranceIcon.CONSISTENT_PASS if increasing else AssuranceIcon.CONSISTENT_FAIL
    return AssuranceIcon.INCONSISTENT
