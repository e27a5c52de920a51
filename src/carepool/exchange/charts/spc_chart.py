"""Draw an XmR chart in the Making Data Count style and save it as PNG or SVG.

Uses matplotlib's object API with the Agg canvas (no pyplot, no global state), so charts
can be drawn from tests, the CLI and the demo without a display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from matplotlib.ticker import StrMethodFormatter

from carepool.errors import InputError
from carepool.exchange.charts import style
from carepool.metrics.spc import Improvement, PointType, SpcPoint, SpcResult

FORMATS = {".png": "png", ".svg": "svg"}


def chart_format(path: Path) -> str:
    """'png' or 'svg' from the file suffix; anything else is refused."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"chart file must end in .png or .svg, not '{path.suffix or '(none)'}'",
                         where=str(path))
    return fmt


def number(value: float) -> str:
    """Readable axis-side numbers: thousands separated, small values to 3 significant figures."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _x(dates: Sequence[date]) -> npt.NDArray[np.datetime64]:
    return np.array(dates, dtype="datetime64[D]")


def _segments(points: Sequence[SpcPoint]) -> list[list[SpcPoint]]:
    groups: list[list[SpcPoint]] = []
    for p in points:
        if not groups or groups[-1][0].segment != p.segment:
            groups.append([])
        groups[-1].append(p)
    return groups


def _draw_lines(ax: Axes, result: SpcResult) -> None:
    """Value line, mean and dashed limits, broken at every rebase (R's default)."""
    for seg in _segments(result.points):
        xs = _x([p.date for p in seg])
        ax.plot(xs, [p.value for p in seg], color=style.VALUE_LINE, linewidth=1.5, zorder=2)
        ax.plot(xs, [p.mean for p in seg], color=style.MEAN_LINE, linewidth=1.2, zorder=1)
        for attr in ("upl", "lpl"):
            ax.plot(xs, [getattr(p, attr) for p in seg], color=style.LIMIT_LINE, linestyle="--",
                    linewidth=1.3, zorder=1)
    target = result.options.target
    if target is not None:
        ax.axhline(target, color=style.TARGET_LINE, linestyle="--", linewidth=1.3, zorder=1)


def _draw_points(ax: Axes, result: SpcResult) -> list[Line2D]:
    handles: list[Line2D] = []
    shown: set[str] = set()
    for kind in PointType:
        pts = [p for p in result.points if p.point_type is kind]
        if not pts:
            continue
        colour = style.POINT_COLOURS[kind]
        ax.scatter(_x([p.date for p in pts]), [p.value for p in pts], s=36, color=colour, zorder=3)
        label = style.POINT_LABELS[kind]
        if label not in shown:
            shown.add(label)
            handles.append(Line2D([], [], marker="o", linestyle="", color=colour, label=label))
    return handles


def _draw_icon(fig: Figure, x: float, y: float, colour: str, letter: str) -> None:
    width, height = fig.get_size_inches()
    radius = 0.032  # of the figure height; the ellipse is a circle once the aspect is undone
    fig.patches.append(Ellipse((x, y), 2 * radius * height / width, 2 * radius, transform=fig.transFigure,
                               facecolor="white", edgecolor=colour, linewidth=3, figure=fig))
    fig.text(x, y, letter, ha="center", va="center", fontsize=13, fontweight="bold", color=colour)


def _draw_icons(fig: Figure, result: SpcResult) -> str:
    colour, letter, words = style.VARIATION_ICONS[result.variation]
    _draw_icon(fig, 0.955 if result.assurance is None else 0.885, 0.935, colour, letter)
    text = f"Variation: {words}"
    if result.assurance is not None:
        colour, letter, words = style.ASSURANCE_ICONS[result.assurance]
        _draw_icon(fig, 0.955, 0.935, colour, letter)
        text += f"   Assurance: {words}"
    return text


def _label_limits(ax: Axes, latest: SpcPoint) -> None:
    for value, name in ((latest.upl, "UPL"), (latest.mean, "Mean"), (latest.lpl, "LPL")):
        if math.isfinite(value):
            ax.annotate(f"{name} {number(value)}", xy=(1.0, value), xycoords=("axes fraction", "data"),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)


def draw_spc_chart(result: SpcResult, *, title: str = "", y_label: str = "", x_label: str = "") -> Figure:
    """A figure of the chart: points coloured by type, mean, limits, target, icons."""
    fig = Figure(figsize=(10, 5.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.2, 0.77, 0.62))
    _draw_lines(ax, result)
    handles = _draw_points(ax, result)
    if result.options.target is not None:
        handles.append(Line2D([], [], color=style.TARGET_LINE, linestyle="--",
                              label=f"Target {number(result.options.target)}"))
    _label_limits(ax, result.latest)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.xaxis_date()
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,g}"))
    ax.grid(axis="y", color="#d9d9d9")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, frameon=False,
              fontsize=9)
    direction = {Improvement.INCREASE: "higher is better", Improvement.DECREASE: "lower is better",
                 Improvement.NEUTRAL: "no preferred direction"}[result.options.improvement]
    fig.text(0.1, 0.95, title or "SPC chart", fontsize=13, fontweight="bold", va="center")
    icons_text = _draw_icons(fig, result)
    fig.text(0.1, 0.885, f"{icons_text}   ({direction})", fontsize=9, va="center")
    if result.notes:
        fig.text(0.08, 0.02, "Note: " + "; ".join(result.notes), fontsize=7.5, color="#555555")
    return fig


def write_spc_chart(
    result: SpcResult, path: Path | str, *, title: str = "", y_label: str = "", x_label: str = ""
) -> Path:
    """Save the chart as PNG or SVG (chosen by the suffix) and return the path."""
    target = Path(path)
    fmt = chart_format(target)
    fig = draw_spc_chart(result, title=title, y_label=y_label, x_label=x_label)
    target.parent.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {}
    try:
        # text stays text in SVG (searchable, accessible) rather than glyph outlines
        with rc_context({"svg.fonttype": "none"}):
            fig.savefig(target, format=fmt, metadata=metadata)
    except OSError as exc:
        raise InputError(f"cannot write chart: {exc.strerror or exc}", where=str(target)) from exc
    return target
