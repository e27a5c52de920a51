"""The evaluation's SVG charts: one padded value range and one zero line for every chart."""

from __future__ import annotations

import math
import re

from carepool.evaluation.svg import PAD_B, PAD_T, H, event_study_chart, interval_chart, line_chart, spc_chart


def _numbers(svg: str) -> list[str]:
    return re.findall(r'(?<![\w-])(?:x|y|x1|x2|y1|y2|cx|cy|height|width)="([^"%]*)"', svg)


def test_an_unbounded_interval_draws_no_nan_or_infinite_coordinate() -> None:
    # An interval with no upper bound (e.g. a failed standard error) must not break the picture:
    # the other estimates are drawn on a finite scale and the unbounded one shows its point only.
    svg = interval_chart("effects", ["a", "b", "c"], [1.0, 2.0, 0.5], [0.5, 1.5, -0.5], [1.5, math.inf, 1.0])
    values = _numbers(svg)
    assert values, "the chart has no coordinates"
    assert all(math.isfinite(float(v)) for v in values), [v for v in values if not math.isfinite(float(v))]
    assert svg.count("<circle") == 3 and svg.count('stroke="#1d4e89"/>') == 2


def test_interval_and_event_study_charts_put_zero_at_the_same_height_for_the_same_values() -> None:
    zero = re.compile(r'<line x1="\d+" y1="([\d.]+)" x2="\d+" y2="\1" stroke="#444" stroke-dasharray="2,2"/>')
    a = interval_chart("t", [-1, 0, 1], [0.2, 1.0, 2.0], [-0.5, 0.5, 1.0], [0.9, 1.5, 3.0])
    b = event_study_chart("t", [-1, 0, 1], [0.2, 1.0, 2.0], [-0.5, 0.5, 1.0], [0.9, 1.5, 3.0])
    za, zb = zero.search(a), zero.search(b)
    assert za and zb and za.group(1) == zb.group(1)
    # values -0.5..3.0 padded by 5% of 3.5 either side: 0 sits (0.5 + 0.175) / 3.85 of the way up
    expected = (H - PAD_B) - (0.5 + 0.175) / 3.85 * (H - PAD_B - PAD_T)
    assert abs(float(za.group(1)) - expected) < 0.06


def test_a_flat_series_still_gets_a_range_and_a_line() -> None:
    svg = line_chart("flat", ["m1", "m2", "m3"], {"v": [5.0, 5.0, 5.0]}, zero_line=True)
    assert all(math.isfinite(float(v)) for v in _numbers(svg))
    assert 'stroke-dasharray="2,2"' in svg and "<polyline" in svg


def test_spc_chart_ignores_missing_limits_when_scaling() -> None:
    svg = spc_chart("spc", "d", ["1", "2", "3"], [1.0, 2.0, 3.0], [2.0] * 3, [math.nan] * 3, [math.nan] * 3,
                    [None, None, "#d1495b"], ident="x")
    assert all(math.isfinite(float(v)) for v in _numbers(svg))
