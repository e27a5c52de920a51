"""Inline SVG charts for the evidence report: no plotting library, readable offline."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from html import escape

import numpy as np

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 720, 260, 64, 16, 24, 40
COLOURS = ("#1d4e89", "#d1495b", "#8d8d8d", "#00798c", "#edae49")


def _scale(lo: float, hi: float, a: float, b: float):  # type: ignore[no-untyped-def]
    span = (hi - lo) or 1.0
    return lambda v: a + (float(v) - lo) / span * (b - a)


def _tick(v: float) -> str:
    """An axis label: whole numbers with thousands separators from 1,000 up, else 3 significant figures."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.3g}"


def _value_range(values: Iterable[float], *, zero: bool = False) -> tuple[float, float]:
    """The finite values' span (with 0 when ``zero``), padded 5% each side; 1 each side when flat or empty."""
    vals = np.asarray(list(values), float)
    vals = vals[np.isfinite(vals)]
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 0.0)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = (hi - lo) * 0.05 or 1.0
    return lo - pad, hi + pad


def _zero_line(y_of) -> str:  # type: ignore[no-untyped-def]
    return (f'<line x1="{PAD_L}" y1="{y_of(0):.1f}" x2="{W - PAD_R}" y2="{y_of(0):.1f}" '
            f'stroke="#444" stroke-dasharray="2,2"/>')


def _effects_frame(title: str, names: Sequence[str], values: Iterable[float]):  # type: ignore[no-untyped-def]
    """Axes for estimates by period: one slot a name, a finite range that holds 0, the zero line."""
    lo, hi = _value_range(values, zero=True)
    x_of = _scale(-0.5, len(names) - 0.5, PAD_L, W - PAD_R)
    y_of = _scale(lo, hi, H - PAD_B, PAD_T)
    return [*_frame(title, names, lo, hi, x_of, y_of), _zero_line(y_of)], x_of, y_of


def _frame(title: str, labels: Sequence[str], lo: float, hi: float, x_of, y_of) -> list[str]:  # type: ignore[no-untyped-def]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
           f'aria-label="{escape(title)}" style="max-width:100%;font:11px sans-serif">',
           f'<text x="{PAD_L}" y="14" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" stroke="#444"/>',
           f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#444"/>']
    for v in np.linspace(lo, hi, 5):
        y = y_of(v)
        out.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end">{_tick(v)}</text>'
                   f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}" stroke="#eee"/>')
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        out.append(f'<text x="{x_of(i):.1f}" y="{H - PAD_B + 14}" text-anchor="middle">'
                   f'{escape(str(labels[i]))}</text>')
    return out


def line_chart(title: str, labels: Sequence[object], series: dict[str, Sequence[float]],
               marker: int | None = None, zero_line: bool = False, faint: Sequence[Sequence[float]] = ()
               ) -> str:
    """Lines over periods; ``marker`` draws the interruption; ``faint`` adds grey placebo paths."""
    lo, hi = _value_range(np.concatenate([np.asarray(v, float) for v in [*series.values(), *faint]]),
                          zero=zero_line)
    names = [str(x) for x in labels]
    x_of = _scale(0, max(1, len(names) - 1), PAD_L, W - PAD_R)
    y_of = _scale(lo, hi, H - PAD_B, PAD_T)
    out = _frame(title, names, lo, hi, x_of, y_of)
    for path in faint:
        pts = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(path))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#ccc" stroke-width="0.7"/>')
    if zero_line:
        out.append(_zero_line(y_of))
    if marker is not None:
        out.append(f'<line x1="{x_of(marker):.1f}" y1="{PAD_T}" x2="{x_of(marker):.1f}" '
                   f'y2="{H - PAD_B}" stroke="#444" stroke-dasharray="4,3"/>')
    for k, (name, vals) in enumerate(series.items()):
        pts = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(vals) if np.isfinite(v))
        colour = COLOURS[k % len(COLOURS)]
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        out.append(f'<text x="{W - PAD_R - 4}" y="{PAD_T + 12 * (k + 1)}" text-anchor="end" '
                   f'fill="{colour}">{escape(name)}</text>')
    return "\n".join([*out, "</svg>"])


def interval_chart(title: str, labels: Sequence[object], effects: Sequence[float],
                   lows: Sequence[float], highs: Sequence[float]) -> str:
    """Point estimates with intervals (event studies), around a zero line."""
    out, x_of, y_of = _effects_frame(title, [str(x) for x in labels], [*effects, *lows, *highs])
    for i, (e, a, b) in enumerate(zip(effects, lows, highs, strict=True)):
        x = x_of(i)
        if np.isfinite(a) and np.isfinite(b):
            out.append(f'<line x1="{x:.1f}" y1="{y_of(a):.1f}" x2="{x:.1f}" y2="{y_of(b):.1f}" '
                       f'stroke="{COLOURS[0]}"/>')
        if np.isfinite(e):
            out.append(f'<circle cx="{x:.1f}" cy="{y_of(e):.1f}" r="3" fill="{COLOURS[0]}"/>')
    return "\n".join([*out, "</svg>"])


def histogram(title: str, values: Sequence[float], mark: float) -> str:
    """Placebo distribution of a statistic, with the treated value marked."""
    vals = np.asarray([v for v in values if np.isfinite(v)], float)
    if not len(vals):
        return ""
    counts, edges = np.histogram(vals, bins=min(20, max(5, len(vals) // 4)))
    lo, hi = 0.0, float(counts.max())
    names = [f"{(a + b) / 2:.3g}" for a, b in itertools.pairwise(edges)]
    x_of = _scale(-0.5, len(names) - 0.5, PAD_L, W - PAD_R)
    y_of = _scale(lo, hi * 1.05, H - PAD_B, PAD_T)
    out = _frame(title, names, lo, hi * 1.05, x_of, y_of)
    width = (W - PAD_L - PAD_R) / len(names) * 0.9
    for i, c in enumerate(counts):
        out.append(f'<rect x="{x_of(i) - width / 2:.1f}" y="{y_of(c):.1f}" width="{width:.1f}" '
                   f'height="{y_of(0) - y_of(c):.1f}" fill="#9fb7d6"/>')
    pos = (mark - edges[0]) / ((edges[-1] - edges[0]) or 1.0) * len(names) - 0.5
    x = x_of(min(max(pos, -0.5), len(names) - 0.5))
    out.append(f'<line x1="{x:.1f}" y1="{PAD_T}" x2="{x:.1f}" y2="{H - PAD_B}" stroke="{COLOURS[1]}" '
               f'stroke-width="2"/><text x="{x + 4:.1f}" y="{PAD_T + 10}" fill="{COLOURS[1]}">treated</text>')
    return "\n".join([*out, "</svg>"])


def spc_chart(title: str, description: str, labels: Sequence[object], values: Sequence[float],
              mean: Sequence[float], lpl: Sequence[float], upl: Sequence[float], marks: Sequence[str | None],
              *, ident: str) -> str:
    """A Making Data Count run chart: values, mean, dashed process limits, special-cause points marked.

    ``marks`` holds a colour per point for special-cause points (None for common cause). The
    chart names itself by its ``<title>`` and ``<desc>`` (ids from ``ident``) and uses only SVG
    attributes (no ``style``), so a page with a strict Content Security Policy draws it as is.
    """
    lo, hi = _value_range([*values, *mean, *lpl, *upl])
    names = [str(x) for x in labels]
    x_of = _scale(0, max(1, len(names) - 1), PAD_L, W - PAD_R)
    y_of = _scale(lo, hi, H - PAD_B, PAD_T)
    ids = f"{escape(ident)}-title {escape(ident)}-desc"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" '
           f'aria-labelledby="{ids}" font-family="sans-serif" font-size="11">',
           f'<title id="{escape(ident)}-title">{escape(title)}</title>',
           f'<desc id="{escape(ident)}-desc">{escape(description)}</desc>',
           *_frame(title, names, lo, hi, x_of, y_of)[1:]]

    def line(vals: Sequence[float]) -> str:
        return " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(vals) if np.isfinite(v))

    for limit in (upl, lpl):
        out.append(f'<polyline points="{line(limit)}" fill="none" stroke="{COLOURS[2]}" stroke-dasharray="5,3"/>')
    out.append(f'<polyline points="{line(mean)}" fill="none" stroke="#212b32" stroke-width="1.2"/>')
    out.append(f'<polyline points="{line(values)}" fill="none" stroke="{COLOURS[2]}" stroke-width="1.5"/>')
    for i, (v, mark) in enumerate(zip(values, marks, strict=True)):
        out.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="{4 if mark else 2.5}" '
                   f'fill="{escape(mark or COLOURS[2])}"/>')
    for k, (name, colour) in enumerate((("process limits", COLOURS[2]), ("mean", "#212b32"))):
        out.append(f'<text x="{W - PAD_R - 4}" y="{PAD_T + 12 * (k + 1)}" text-anchor="end" '
                   f'fill="{colour}">{name}</text>')
    return "\n".join([*out, "</svg>"])


def event_study_chart(title: str, event_times: Sequence[int], effects: Sequence[float],
                      lows: Sequence[float], highs: Sequence[float]) -> str:
    """An event study: coefficients by period relative to the start, pre-periods in grey, post in
    blue, each with its uniform (simultaneous) band, a zero line and the start marked."""
    out, x_of, y_of = _effects_frame(title, [str(e) for e in event_times], [*effects, *lows, *highs])
    if 0 in event_times:
        x0 = x_of(list(event_times).index(0) - 0.5)
        out.append(f'<line x1="{x0:.1f}" y1="{PAD_T}" x2="{x0:.1f}" y2="{H - PAD_B}" stroke="#444" '
                   f'stroke-dasharray="4,3"/>')
    for i, (t, e, a, b) in enumerate(zip(event_times, effects, lows, highs, strict=True)):
        colour = COLOURS[2] if t < 0 else COLOURS[0]
        x = x_of(i)
        if np.isfinite(a) and np.isfinite(b):
            out.append(f'<rect x="{x - 3:.1f}" y="{y_of(b):.1f}" width="6" height="{max(y_of(a) - y_of(b), 0.5):.1f}" '
                       f'fill="{colour}" fill-opacity="0.25"/>')
        out.append(f'<circle cx="{x:.1f}" cy="{y_of(e):.1f}" r="2.5" fill="{colour}"/>')
    out.append(f'<text x="{W - PAD_R - 4}" y="{PAD_T + 12}" text-anchor="end" fill="{COLOURS[2]}">before '
               f'(pre-trends)</text><text x="{W - PAD_R - 4}" y="{PAD_T + 24}" text-anchor="end" '
               f'fill="{COLOURS[0]}">after; shaded: uniform 95% band</text>')
    return "\n".join([*out, "</svg>"])
