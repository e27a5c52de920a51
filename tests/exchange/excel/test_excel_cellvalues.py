"""Parsing single cells: what a person may type is accepted exactly, the rest is refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from carepool.exchange.excel.cellvalues import CellProblem, parse
from carepool.money import Money


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("money", 1234.56, Money(123456)),
    ("money", "£1,234,567.89", Money(123456789)),
    ("money", 12, Money(1200)),
    ("money", "(250.00)", Money(-25000)),
    ("int", 1234.0, 1234),
    ("int", "12,345", 12345),
    ("decimal", 658.5, Decimal("658.5")),
    ("decimal", "1,234.50", Decimal("1234.50")),
    ("yesno", "yes", True),
    ("yesno", " NO ", False),
    ("yesno", True, True),
    ("newexisting", "existing", False),
    ("newexisting", "New", True),
    ("kind", "Local authority", "la"),
    ("kind", "ccg", "ccg"),
    ("date", datetime(2014, 9, 19, 0, 0), date(2014, 9, 19)),
    ("date", "19/09/2014", date(2014, 9, 19)),
    ("date", "2014-09-19", date(2014, 9, 19)),
    ("code", 123.0, "123"),
    ("code", " 00K ", "00K"),
    ("text", "  kept as typed ", "  kept as typed "),
])
def test_accepts_what_people_type(kind: str, raw: Any, expected: Any) -> None:
    value = parse(kind, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(("kind", "raw", "rule", "fragment"), [
    ("money", "lots", "XL-MONEY", "not an amount of money"),
    ("money", 10.005, "XL-MONEY", "fractions of a penny"),
    ("money", "3.8bn", "XL-MONEY", "unit suffix"),
    ("money", datetime(2015, 1, 1), "XL-MONEY", "not an amount"),
    ("money", float("nan"), "XL-MONEY", "not an amount"),
    ("int", 12.5, "XL-NUMBER", "whole number"),
    ("int", "about 12", "XL-NUMBER", "whole number"),
    ("int", True, "XL-NUMBER", "whole number"),
    ("decimal", "n/a", "XL-NUMBER", "not a number"),
    ("decimal", float("inf"), "XL-NUMBER", "not a number"),
    ("yesno", "Maybe", "XL-CHOICE", "Yes or No"),
    ("newexisting", "Old", "XL-CHOICE", "New or Existing"),
    ("kind", "Hospital", "XL-CHOICE", "partner kind"),
    ("date", "31/02/2015", "XL-DATE", "not a date"),
    ("date", 42000, "XL-DATE", "not a date"),
    ("code", True, "XL-CODE", "not a code"),
])
def test_refuses_with_a_reason(kind: str, raw: Any, rule: str, fragment: str) -> None:
    with pytest.raises(CellProblem) as caught:
        parse(kind, raw)
    assert caught.value.rule == rule
    assert fragment in str(caught.value)


def test_decimal_keeps_the_places_its_number_format_shows() -> None:
    assert str(parse("decimal", 82.0, "0.0")) == "82.0"
    assert str(parse("decimal", 82.0, "0.00")) == "82.00"
    # a value typed with more places than the format shows is never rounded away
    assert parse("decimal", 82.05, "0.0") == Decimal("82.05")
    assert str(parse("decimal", 2509, "General")) == "2509"
