"""Point types and icons, oriented by the improvement direction (R ``ptd_point_type``,
``ptd_get_icons``)."""

from __future__ import annotations

import pytest

from carepool.metrics.spc import Improvement, PointType, SpecialCause, VariationIcon, point_type, variation_icon

INC, DEC, NEU = Improvement.INCREASE, Improvement.DECREASE, Improvement.NEUTRAL


@pytest.mark.parametrize(
    ("cause", "improvement", "expected"),
    [
        (SpecialCause.ABOVE_UPL, INC, PointType.IMPROVEMENT),
        (SpecialCause.ABOVE_UPL, DEC, PointType.CONCERN),
        (SpecialCause.TREND_DECREASING, INC, PointType.CONCERN),
        (SpecialCause.TREND_DECREASING, DEC, PointType.IMPROVEMENT),
        (SpecialCause.SHIFT_BELOW, NEU, PointType.NEUTRAL_LOW),
        (SpecialCause.TWO_IN_THREE_ABOVE, NEU, PointType.NEUTRAL_HIGH),
        (SpecialCause.COMMON_CAUSE, INC, PointType.COMMON_CAUSE),
        (SpecialCause.COMMON_CAUSE, NEU, PointType.COMMON_CAUSE),
    ],
)
def test_point_type(cause: SpecialCause, improvement: Improvement, expected: PointType) -> None:
    assert point_type(cause, improvement) is expected


@pytest.mark.parametrize(
    ("latest", "improvement", "expected"),
    [
        (PointType.IMPROVEMENT, INC, VariationIcon.IMPROVEMENT_HIGH),
        (PointType.IMPROVEMENT, DEC, VariationIcon.IMPROVEMENT_LOW),
        (PointType.CONCERN, INC, VariationIcon.CONCERN_LOW),
        (PointType.CONCERN, DEC, VariationIcon.CONCERN_HIGH),
        (PointType.NEUTRAL_HIGH, NEU, VariationIcon.NEUTRAL_HIGH),
        (PointType.NEUTRAL_LOW, NEU, VariationIcon.NEUTRAL_LOW),
        (PointType.COMMON_CAUSE, DEC, VariationIcon.COMMON_CAUSE),
    ],
)
def test_variation_icon(latest: PointType, improvement: Improvement, expected: VariationIcon) -> None:
    assert variation_icon(latest, improvement) is expected
