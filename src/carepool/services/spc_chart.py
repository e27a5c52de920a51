"""Use case: a Making Data Count (XmR) chart of one column of a user's CSV file.

The CLI (`carepool metrics spc`) calls this; reading the file, computing the chart and writing
the picture happen here, so any other face (the web's analyst pages) gets the same answer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from carepool.cell_text import SafeWriter
from carepool.errors import InputError
from carepool.exchange.charts import chart_format, write_spc_chart
from carepool.metrics.spc import Series, SpcOptions, SpcResult, series_from_rows, xmr


def read_series(path: Path, *, value_column: str, date_column: str) -> Series:
    """Read two columns of a CSV file; every problem is an ``InputError`` naming the place."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                raise InputError("the file is empty (no header row)", where=str(path))
            return series_from_rows(reader, value_column=value_column, date_column=date_column,
                                    columns=reader.fieldnames, source=str(path))
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", where=str(path)) from None


@dataclass(frozen=True)
class SpcChart:
    result: SpcResult
    chart: Path | None      # the picture written, when one was asked for


def chart_csv(path: Path, *, value_column: str, date_column: str, options: SpcOptions,
              out: Path | None = None) -> SpcChart:
    """The XmR chart of ``value_column`` by ``date_column``; also the picture at ``out`` (.png/.svg)."""
    if out is not None:
        chart_format(out)   # refuse a bad suffix before any work
    series = read_series(path, value_column=value_column, date_column=date_column)
    result = xmr(series.dates, series.values, options)
    written = None
    if out is not None:
        written = write_spc_chart(result, out, title=f"{value_column} ({path.name})", y_label=value_column,
                                  x_label=date_column)
    return SpcChart(result, written)


POINT_COLUMNS = ("month", "value", "mean", "lower_process_limit", "upper_process_limit", "point_type",
                 "special_cause")


def points_csv(result: SpcResult, labels: dict[str, str]) -> str:
    """The chart's points as CSV text, one row a point, led by ``labels`` (e.g. area and metric)
    repeated on every row; every cell formula-neutralised (a name from a file could start with '=')."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow([*labels, *POINT_COLUMNS])
    for p in result.points:
        writer.writerow([*labels.values(), p.date.strftime("%Y-%m"), _number(p.value), _number(p.mean),
                         _number(p.lpl), _number(p.upl), p.point_type.value, "yes" if p.special_cause_flag else "no"])
    return buffer.getvalue()


def _number(value: float) -> str:
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"
