"""Inline SVG bar charts of money (where the money goes), laid out here and drawn by ``_bars.html``.

Horizontal bars fit a phone as well as a desktop (the SVG scales to its column). The largest
slices get a bar each and the rest are added up as one "Other" bar; the amounts on the bars are
rounded so they add to the rounded total (web/amounts.py); the table under each chart has every
slice to the penny.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carepool.services.money_views import Slice
from carepool.web import amounts

WIDTH = 600
BAR_SPACE = 430      # the longest bar; the rest of the width holds its amount
ROW = 44             # label line, then the bar
TOP = 8              # bars before the rest are one "Other" bar


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    pence: int
    shown: str           # rounded, adding up with the other bars to the shown total
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    rows: list[Slice]    # every slice, for the table (exact)
    total: int
    total_shown: str
    height: int


def bar_chart(chart_id: str, title: str, slices: Sequence[Slice], top: int = TOP) -> BarChart:
    """A chart of ``slices`` (largest first, each zero or more)."""
    kept = list(slices[:top])
    rest = slices[top:]
    if rest:
        kept.append(Slice("other", f"Other ({len(rest)})", sum(s.pence for s in rest)))
    shown, total_shown = amounts.shown_parts([max(s.pence, 0) for s in kept])
    largest = max((s.pence for s in kept), default=0)
    bars = [Bar(s.key, s.label, s.pence, text, i * ROW, BAR_SPACE * s.pence / largest if largest > 0 else 0.0)
            for i, (s, text) in enumerate(zip(kept, shown, strict=True))]
    return BarChart(chart_id, title, bars, list(slices), sum(s.pence for s in slices), total_shown,
                    max(len(bars), 1) * ROW + 8)


def share(pence: int, total: int) -> str:
    """'12.3%' of the total (display only)."""
    return f"{100 * pence / total:.1f}%" if total else "–"
