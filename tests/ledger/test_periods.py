from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import InputError
from carepool.ledger.periods import financial_year, months_of, parse_period, quarter, quarter_of


def test_financial_quarters_run_april_to_march() -> None:
    assert (quarter("2015Q1").start, quarter("2015Q1").end) == (date(2015, 4, 1), date(2015, 6, 30))
    assert (quarter("2015Q4").start, quarter("2015Q4").end) == (date(2016, 1, 1), date(2016, 3, 31))
    assert quarter_of(date(2016, 2, 29)) == "2015Q4"
    assert quarter_of(date(2015, 4, 1)) == "2015Q1"


def test_a_year_has_twelve_months_ending_in_march() -> None:
    months = months_of(financial_year(2015))
    assert len(months) == 12
    assert months[-1].end == date(2016, 3, 31)
    assert parse_period("2015-16") == financial_year(2015)
    assert parse_period("2015-07-M").start == date(2015, 7, 1)


@pytest.mark.parametrize("label", ["2015Q5", "2015-17", "July"])
def test_bad_period_labels_are_refused(label: str) -> None:
    with pytest.raises(InputError):
        parse_period(label)
