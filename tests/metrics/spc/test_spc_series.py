"""Reading a dated series from text rows: every refusal names the row and column."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import InputError
from carepool.metrics.spc import parse_date, parse_value, series_from_rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-04-01", date(2019, 4, 1)), ("2019-04", date(2019, 4, 1)), ("01/04/2019", date(2019, 4, 1)),
     (" 2019-04-30T00:00:00 ", date(2019, 4, 30))],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "April 2019", "2019-13-01", "2019/04/01", "31/02/2019"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ValueError, match="unparseable date"):
        parse_date(text)


def test_values() -> None:
    assert parse_value(" 462003.1 ") == 462003.1
    assert parse_value("-2") == -2.0
    for bad in ("", "12,000", "n/a", "nan", "inf"):
        with pytest.raises(ValueError):
            parse_value(bad)


def test_rows_to_series() -> None:
    rows = [{"period": "2019-04", "n": "5"}, {"period": "2019-05", "n": "6.5"}]
    series = series_from_rows(rows, value_column="n", date_column="period", columns=["period", "n"])
    assert series.dates == (date(2019, 4, 1), date(2019, 5, 1))
    assert series.values == (5.0, 6.5)


def test_missing_column_lists_the_columns() -> None:
    with pytest.raises(InputError, match=r"no column 'count' \(columns are: period, n\)") as info:
        series_from_rows([], value_column="count", date_column="period", columns=["period", "n"], source="a.csv")
    assert info.value.where == "a.csv"


def test_non_numeric_value_names_row_and_column() -> None:
    rows = [{"period": "2019-04", "n": "5"}, {"period": "2019-05", "n": "five"}]
    with pytest.raises(InputError) as info:
        series_from_rows(rows, value_column="n", date_column="period", source="a.csv")
    assert info.value.where == "a.csv, row 3, column 'n'"
    assert "non-numeric value 'five'" in str(info.value)


def test_bad_date_names_row_and_column() -> None:
    rows = [{"period": "Apr 2019", "n": "5"}]
    with pytest.raises(InputError) as info:
        series_from_rows(rows, value_column="n", date_column="period", source="a.csv")
    assert info.value.where == "a.csv, row 2, column 'period'"


def test_short_row_reads_as_empty_and_is_refused() -> None:
    rows: list[dict[str, str | None]] = [{"period": "2019-04", "n": None}]
    with pytest.raises(InputError, match="row 2, column 'n'"):
        series_from_rows(rows, value_column="n", date_column="period")
