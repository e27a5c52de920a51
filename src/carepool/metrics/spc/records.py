"""Plain-data view of an SPC result (for JSON output); NaN limits become ``None``."""

from __future__ import annotations

import math
from typing import Any

from carepool.metrics.spc.model import SpcPoint, SpcResult


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def point_as_dict(point: SpcPoint, *, shift_length: int = 7, trend_length: int = 7) -> dict[str, Any]:
    """One point with R's column names where they exist (``mean`` is R's ``mean_col``)."""
    return {
        "date": point.date.isoformat(),
        "value": point.value,
        "segment": point.segment,
        "mean": _num(point.mean),
        "lpl": _num(point.lpl),
        "upl": _num(point.upl),
        "moving_range": _num(point.moving_range),
        "moving_range_screened": point.moving_range_screened,
        "outside_limits": point.outside_limits,
        "relative_to_mean": point.relative_to_mean,
        "close_to_limits": point.close_to_limits,
        "in_trend": point.in_trend,
        "in_two_in_three": point.in_two_in_three,
        "in_shift": point.in_shift,
        "special_cause": point.special_cause.value,
        "special_cause_type": point.special_cause.label(shift_length, trend_length),
        "special_cause_flag": point.special_cause_flag,
        "point_type": point.point_type.value,
        "target": point.target,
        "short_segment": point.short_segment,
    }


def result_as_dict(result: SpcResult) -> dict[str, Any]:
    """The whole result: options, points, segment summaries, icons and notes."""
    opts = result.options
    return {
        "options": {
            "improvement": opts.improvement.value,
            "target": opts.target,
            "rebase": [d.isoformat() for d in opts.rebase],
            "fix_after_n_points": opts.fix_after_n_points,
            "screen_outliers": opts.screen_outliers,
            "shift_length": opts.shift_length,
            "trend_length": opts.trend_length,
        },
        "variation": result.variation.value,
        "assurance": result.assurance.value if result.assurance else None,
        "segments": [
            {
                "segment": s.segment, "start": s.start.isoformat(), "end": s.end.isoformat(), "n": s.n,
                "mean": _num(s.mean), "lpl": _num(s.lpl), "upl": _num(s.upl),
                "mean_moving_range": _num(s.mean_moving_range), "common_cause": s.common_cause,
                "special_cause_improvement": s.special_cause_improvement,
                "special_cause_concern": s.special_cause_concern,
                "variation_type": s.variation_type.value, "short_segment": s.short_segment,
            }
            for s in result.segments
        ],
        "points": [point_as_dict(p, shift_length=opts.shift_length, trend_length=opts.trend_length)
                   for p in result.points],
        "notes": list(result.notes),
    }
