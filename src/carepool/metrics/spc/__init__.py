"""Making Data Count statistical process control: XmR charts as NHSRplotthedots computes them.

``xmr(dates, values, SpcOptions(...))`` returns an :class:`SpcResult` with, per point, the
mean, process limits, rule memberships and point type, and the variation/assurance icons.
Pure Python: charts are drawn by ``carepool.exchange.charts``.
"""

from carepool.metrics.spc.dated_series import Series, parse_date, parse_value, series_from_rows
from carepool.metrics.spc.icons import assurance_icon, point_type, variation_icon
from carepool.metrics.spc.limits import CLOSE, LIMIT, SCREEN, SegmentLimits, segment_limits
from carepool.metrics.spc.model import (
    AssuranceIcon,
    Improvement,
    PointType,
    SegmentSummary,
    SpcOptions,
    SpcPoint,
    SpcResult,
    SpecialCause,
    VariationIcon,
)
from carepool.metrics.spc.records import point_as_dict, result_as_dict
from carepool.metrics.spc.rules import RuleFlags, part_of_run, shift_ends, special_causes, trend_ends, two_in_three
from carepool.metrics.spc.xmr import xmr

__all__ = [
    "CLOSE",
    "LIMIT",
    "SCREEN",
    "AssuranceIcon",
    "Improvement",
    "PointType",
    "RuleFlags",
    "SegmentLimits",
    "SegmentSummary",
    "Series",
    "SpcOptions",
    "SpcPoint",
    "SpcResult",
    "SpecialCause",
    "VariationIcon",
    "assurance_icon",
    "parse_date",
    "parse_value",
    "part_of_run",
    "point_as_dict",
    "point_type",
    "result_as_dict",
    "segment_limits",
    "series_from_rows",
    "shift_ends",
    "special_causes",
    "trend_ends",
    "two_in_three",
    "variation_icon",
    "xmr",
]
