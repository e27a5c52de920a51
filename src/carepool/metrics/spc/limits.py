"""XmR process limits for one segment, as NHSRplotthedots' ``ptd_spc_standard`` computes them.

The mean and the mean moving range come from the first ``fix_after_n_points`` values (all
of them when unset). With outlier screening (Nelson 1982; R's default, unlike the Excel
tool) moving ranges not strictly below 3.267 x the mean moving range are dropped and the
mean moving range recomputed once. Limits are mean +/- 2.66 x mean moving range; the
"close to a limit" band starts at two thirds of that (two sigma).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

LIMIT = 2.66
CLOSE = 2 * (LIMIT / 3)
SCREEN = 3.267


@dataclass(frozen=True, slots=True)
class SegmentLimits:
    """Centre line and limits of one segment, with the moving ranges behind them.

    ``mean_moving_range`` is NaN when every moving range is screened out (a constant
    segment); R then gives NaN limits and every point is common cause, and so do we.
    """

    mean: float
    mean_moving_range: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    moving_ranges: tuple[float | None, ...]
    screened: tuple[bool, ...]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else math.nan


def segment_limits(
    values: Sequence[float], *, fix_after_n_points: int | None = None, screen_outliers: bool = True
) -> SegmentLimits:
    """Limits for the values of one rebase segment, in date order."""
    basis = list(values if fix_after_n_points is None else values[:fix_after_n_points])
    mean = _mean(basis)
    ranges: list[float | None] = [None]
    ranges.extend(abs(b - a) for a, b in itertools.pairwise(basis))
    ranges.extend(None for _ in range(len(values) - len(basis)))
    present = [r for r in ranges if r is not None]
    amr = _mean(present)
    screened = [False] * len(values)
    if screen_outliers:
        kept = []
        for i, r in enumerate(ranges):
            if r is None:
                continue
            if r < SCREEN * amr:
                kept.append(r)
            else:
                screened[i] = True
        amr = _mean(kept)
    return SegmentLimits(
        mean=mean,
        mean_moving_range=amr,
        lpl=mean - LIMIT * amr,
        upl=mean + LIMIT * amr,
        near_lpl=mean - CLOSE * amr,
        near_upl=mean + CLOSE * amr,
        moving_ranges=tuple(ranges),
        screened=tuple(screened),
    )
