"""Making Data Count colours and icon wording (NHSRplotthedots ``ptd_spc_colours``)."""

from __future__ import annotations

from carepool.metrics.spc import AssuranceIcon, PointType, VariationIcon

COMMON = "#a6a6a6"
IMPROVEMENT = "#00b0f0"
CONCERN = "#e46c0a"
NEUTRAL = "#490092"
VALUE_LINE = "#a6a6a6"
MEAN_LINE = "#000000"
LIMIT_LINE = "#a6a6a6"
TARGET_LINE = "#de1b1b"

POINT_COLOURS: dict[PointType, str] = {
    PointType.COMMON_CAUSE: COMMON,
    PointType.IMPROVEMENT: IMPROVEMENT,
    PointType.CONCERN: CONCERN,
    PointType.NEUTRAL_HIGH: NEUTRAL,
    PointType.NEUTRAL_LOW: NEUTRAL,
}

POINT_LABELS: dict[PointType, str] = {
    PointType.COMMON_CAUSE: "Common cause",
    PointType.IMPROVEMENT: "Special cause improvement",
    PointType.CONCERN: "Special cause concern",
    PointType.NEUTRAL_HIGH: "Special cause neutral",
    PointType.NEUTRAL_LOW: "Special cause neutral",
}

# (fill colour, letter inside the circle, words) per icon, after the MDC icon set.
VARIATION_ICONS: dict[VariationIcon, tuple[str, str, str]] = {
    VariationIcon.COMMON_CAUSE: (COMMON, "~", "Common cause variation"),
    VariationIcon.IMPROVEMENT_HIGH: (IMPROVEMENT, "H", "Special cause improvement (high)"),
    VariationIcon.IMPROVEMENT_LOW: (IMPROVEMENT, "L", "Special cause improvement (low)"),
    VariationIcon.CONCERN_HIGH: (CONCERN, "H", "Special cause concern (high)"),
    VariationIcon.CONCERN_LOW: (CONCERN, "L", "Special cause concern (low)"),
    VariationIcon.NEUTRAL_HIGH: (NEUTRAL, "H", "Special cause neutral (high)"),
    VariationIcon.NEUTRAL_LOW: (NEUTRAL, "L", "Special cause neutral (low)"),
}

ASSURANCE_ICONS: dict[AssuranceIcon, tuple[str, str, str]] = {
    AssuranceIcon.CONSISTENT_PASS: (IMPROVEMENT, "P", "Consistently hit target"),
    AssuranceIcon.CONSISTENT_FAIL: (CONCERN, "F", "Consistently fail target"),
    AssuranceIcon.INCONSISTENT: (COMMON, "?", "Inconsistently hit target"),
}
