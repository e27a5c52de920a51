"""Turn text rows (e.g. from a CSV reader) into a dated series, refusing anything doubtful.

The caller opens the file; this module only reads strings, so every error can name the
column and the row (spreadsheet numbering: the header is row 1, the first data row is 2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from carepool.errors import InputError

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True, slots=True)
class Series:
    """Dates and values in file order (the SPC core sorts them)."""

    dates: tuple[date, ...]
    values: tuple[float, ...]


def parse_date(text: str) -> date:
    """ISO date, ISO year-month (the 1st of the month), dd/mm/yyyy or ISO date-time."""
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unparseable date {text!r} (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)")


def parse_value(text: str) -> float:
    """A finite decimal number; thousands separators are refused rather than guessed."""
    cleaned = text.strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"non-numeric value {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"value {text!r} is not a finite number")
    return value


def series_from_rows(
    rows: Iterable[Mapping[str, str | None]],
    *,
    value_column: str,
    date_column: str,
    columns: Iterable[str] | None = None,
    source: str = "input",
) -> Series:
    """Read ``date_column`` and ``value_column`` from every row; the first bad cell stops it."""
    if columns is not None:
        names = list(columns)
        for wanted in (date_column, value_column):
            if wanted not in names:
                raise InputError(f"no column '{wanted}' (columns are: {', '.join(names)})", where=source)
    dates: list[date] = []
    values: list[float] = []
    for number, row in enumerate(rows, start=2):
        for wanted in (date_column, value_column):
            if wanted not in row:
                raise InputError(f"no column '{wanted}'", where=source)
        try:
            d = parse_date(row[date_column] or "")
        except ValueError as exc:
            raise InputError(str(exc), where=f"{source}, row {number}, column '{date_column}'") from None
        try:
            v = parse_value(row[value_column] or "")
        except ValueError as exc:
            raise InputError(str(exc), where=f"{source}, row {number}, column '{value_column}'") from None
        dates.append(d)
        values.append(v)
    return Series(tuple(dates), tuple(values))
