"""``carepool metrics spc``: an XmR (Making Data Count) chart of one column of a CSV file.

Registered on the ``metrics`` group by ``cli/metrics.py`` through :func:`register`; this
module deliberately defines no ``group`` or ``command`` so ``main`` does not mount it twice.
"""

from __future__ import annotations

from datetime import date as date_type
from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import console, handled, print_json
from carepool.errors import InputError
from carepool.metrics.spc import Improvement, PointType, SpcOptions, SpcResult, parse_date, result_as_dict

_COLOURS = {
    PointType.COMMON_CAUSE: "white",
    PointType.IMPROVEMENT: "cyan",
    PointType.CONCERN: "dark_orange",
    PointType.NEUTRAL_HIGH: "magenta",
    PointType.NEUTRAL_LOW: "magenta",
}


def _rebase_dates(texts: list[str]) -> tuple[date_type, ...]:
    dates = []
    for text in texts:
        try:
            dates.append(parse_date(text))
        except ValueError as exc:
            raise InputError(str(exc), where="--rebase") from None
    return tuple(dates)


def _fmt(value: float | None) -> str:
    return "" if value is None or value != value else f"{value:,.4f}".rstrip("0").rstrip(".")


def _print_table(result: SpcResult, title: str) -> None:
    opts = result.options
    table = Table(title=title)
    for name in ("date", "value", "mean", "lpl", "upl", "special cause", "point type"):
        table.add_column(name, justify="right" if name in ("value", "mean", "lpl", "upl") else "left")
    for p in result.points:
        colour = _COLOURS[p.point_type]
        table.add_row(
            p.date.isoformat(), _fmt(p.value), _fmt(p.mean), _fmt(p.lpl), _fmt(p.upl),
            p.special_cause.label(opts.shift_length, opts.trend_length) if p.special_cause_flag else "",
            f"[{colour}]{p.point_type.value.removeprefix('special_cause_')}[/]",
        )
    console.print(table)
    line = f"variation: [bold]{result.variation.value}[/]"
    if result.assurance is not None:
        line += f"   assurance: [bold]{result.assurance.value}[/]"
    console.print(line)
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}")


def spc(
    csv_file: Path = typer.Option(..., "--csv", help="CSV file with a header row."),
    value: str = typer.Option(..., "--value", help="Column holding the measure."),
    date: str = typer.Option(..., "--date", help="Column holding the date (YYYY-MM-DD, YYYY-MM, DD/MM/YYYY)."),
    improvement: Improvement = typer.Option(Improvement.INCREASE, "--improvement",
                                            help="Which direction is better."),
    target: float | None = typer.Option(None, "--target", help="Target, for the assurance icon."),
    rebase: list[str] = typer.Option([], "--rebase", help="Recalculate limits from this date (repeatable)."),
    fix_after: int | None = typer.Option(None, "--fix-after", help="Fix limits after N points (N >= 12)."),
    screen_outliers: bool = typer.Option(True, "--screen-outliers/--no-screen-outliers",
                                         help="Drop moving ranges above 3.267 x the mean moving range."),
    shift_length: int = typer.Option(7, "--shift-length", help="Points on one side of the mean for a shift."),
    trend_length: int = typer.Option(7, "--trend-length", help="Points rising or falling for a trend."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    out: Path | None = typer.Option(None, "--out", help="Also write the chart (.png or .svg)."),
) -> None:
    """XmR chart (Making Data Count): per point the mean, process limits and special causes."""
    with handled():
        options = SpcOptions(
            improvement=improvement, target=target, rebase=_rebase_dates(rebase),
            fix_after_n_points=fix_after, screen_outliers=screen_outliers,
            shift_length=shift_length, trend_length=trend_length,
        )
        from carepool.services.spc_chart import chart_csv  # pandas and charts: only when asked
        done = chart_csv(csv_file, value_column=value, date_column=date, options=options, out=out)
        if as_json:
            print_json(result_as_dict(done.result))
        else:
            _print_table(done.result, f"{value} by {date} ({csv_file.name})")
            if done.chart is not None:
                console.print(f"chart written to {done.chart}")


def register(group: typer.Typer) -> None:
    """Add ``spc`` to the ``metrics`` command group."""
    group.command("spc")(spc)
