"""Build an XmR chart: the one entry point of the SPC core (R ``ptd_spc`` for one series).

Points are sorted by date, split into segments at the rebase dates, and each segment gets
its own limits and rule checks, exactly as NHSRplotthedots groups by ``rebase_group``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from carepool.errors import InputError
from carepool.metrics.spc.icons import assurance_icon, point_type, variation_icon
from carepool.metrics.spc.limits import SegmentLimits, segment_limits
from carepool.metrics.spc.model import (
    MIN_POINTS_PER_SEGMENT,
    PointType,
    SegmentSummary,
    SpcOptions,
    SpcPoint,
    SpcResult,
)
from carepool.metrics.spc.rules import special_causes


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _checked(dates: Sequence[date], values: Sequence[float]) -> list[tuple[date, float]]:
    if len(dates) != len(values):
        raise InputError(f"{len(dates)} dates but {len(values)} values")
    seen: dict[date, int] = {}
    for i, (d, v) in enumerate(zip(dates, values, strict=True)):
        if not math.isfinite(v):
            raise InputError(f"value {v!r} is not a finite number", where=f"point {i + 1} ({d})")
        if d in seen:
            raise InputError(f"date {d} appears twice (points {seen[d] + 1} and {i + 1})")
        seen[d] = i
    return sorted(zip(dates, values, strict=True))


def _segments(ordered: list[tuple[date, float]], rebase: Sequence[date]) -> list[list[tuple[date, float]]]:
    known = {d for d, _ in ordered}
    missing = sorted(set(rebase) - known)
    if missing:
        raise InputError(f"rebase date {missing[0]} is not a date of the series", where="rebase")
    starts = set(rebase)
    segments: list[list[tuple[date, float]]] = []
    for point in ordered:
        if not segments or (point[0] in starts and segments[-1]):
            segments.append([])
        segments[-1].append(point)
    for segment in segments:
        if len(segment) < MIN_POINTS_PER_SEGMENT:
            raise InputError(
                f"the segment starting {segment[0][0]} has {len(segment)} point(s); "
                f"at least {MIN_POINTS_PER_SEGMENT} are needed for a moving range",
                where="rebase" if len(segments) > 1 else None,
            )
    return segments


def _segment_points(
    index: int, segment: list[tuple[date, float]], options: SpcOptions
) -> tuple[list[SpcPoint], SegmentLimits]:
    values = [v for _, v in segment]
    lim = segment_limits(values, fix_after_n_points=options.fix_after_n_points,
                         screen_outliers=options.screen_outliers)
    side = [_sign(v - lim.mean) for v in values]
    outside = [v > lim.upl or v < lim.lpl for v in values]
    close = [not o and (v < lim.near_lpl or v > lim.near_upl) for v, o in zip(values, outside, strict=True)]
    flags = special_causes(values, side, close, outside,
                           shift_length=options.shift_length, trend_length=options.trend_length)
    short = len(segment) < options.short_segment_threshold
    points = [
        SpcPoint(
            date=d, value=v, segment=index, mean=lim.mean, lpl=lim.lpl, upl=lim.upl,
            moving_range=lim.moving_ranges[i], moving_range_screened=lim.screened[i],
            outside_limits=outside[i], relative_to_mean=side[i], close_to_limits=close[i],
            in_trend=flags.in_trend[i], in_two_in_three=flags.in_two_in_three[i],
            in_shift=flags.in_shift[i], special_cause=flags.causes[i],
            point_type=point_type(flags.causes[i], options.improvement),
            target=options.target, short_segment=short,
        )
        for i, (d, v) in enumerate(segment)
    ]
    return points, lim


def _summary(points: list[SpcPoint], amr: float) -> SegmentSummary:
    first, last = points[0], points[-1]
    return SegmentSummary(
        segment=first.segment, start=first.date, end=last.date, n=len(points),
        mean=first.mean, lpl=first.lpl, upl=first.upl, mean_moving_range=amr,
        common_cause=sum(not p.special_cause_flag for p in points),
        special_cause_improvement=sum(p.point_type is PointType.IMPROVEMENT for p in points),
        special_cause_concern=sum(p.point_type is PointType.CONCERN for p in points),
        variation_type=last.point_type, short_segment=first.short_segment,
    )


def xmr(dates: Sequence[date], values: Sequence[float], options: SpcOptions | None = None) -> SpcResult:
    """The XmR chart of a series; raises ``InputError`` for unusable input."""
    options = options or SpcOptions()
    ordered = _checked(dates, values)
    if not ordered:
        raise InputError(f"no points: at least {MIN_POINTS_PER_SEGMENT} are needed")
    points: list[SpcPoint] = []
    summaries: list[SegmentSummary] = []
    notes: list[str] = []
    for index, segment in enumerate(_segments(ordered, options.rebase)):
        seg_points, lim = _segment_points(index, segment, options)
        summaries.append(_summary(seg_points, lim.mean_moving_range))
        points.extend(seg_points)
        if seg_points[0].short_segment:
            notes.append(f"segment starting {segment[0][0]} has {len(segment)} points: trial limits "
                         f"(fewer than {options.short_segment_threshold})")
    latest = points[-1]
    return SpcResult(
        options=options,
        points=tuple(points),
        segments=tuple(summaries),
        variation=variation_icon(latest.point_type, options.improvement),
        assurance=assurance_icon(options.target, latest.lpl, latest.upl, options.improvement),
        notes=tuple(notes),
    )
