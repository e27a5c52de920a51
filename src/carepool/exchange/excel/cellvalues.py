"""Turn one cell's raw content into a typed value, or say exactly why it cannot be.

Excel hands back floats, datetimes, text and formulas; each parser here accepts what a
person would reasonably type (a thousands separator, "yes", 19/09/2014) and refuses the
rest with a message a finance officer understands. No parser ever raises anything but
``CellProblem``, which the reader turns into a finding at the cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from carepool.errors import InputError
from carepool.exchange.excel.layout import EXISTING, NEW, NO, PARTNER_KINDS, YES
from carepool.money import Money, parse_money

_INT = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PLACES_FORMAT = re.compile(r"^(?:#,##)?0(?:\.(0+))?$")
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_KINDS = {**{label.lower(): kind for kind, label in PARTNER_KINDS.items()}, **{k: k for k in PARTNER_KINDS}}


class CellProblem(Exception):
    """A cell's content cannot be read as the column needs; ``rule`` names the check."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_code(value: Any) -> str:
    if isinstance(value, bool | datetime | date):
        raise CellProblem("XL-CODE", f"{_show(value)} is not a code")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_money(value: Any) -> Money:
    if isinstance(value, bool | datetime | date):
        raise CellProblem("XL-MONEY", f"{_show(value)} is not an amount of money")
    try:
        return parse_money(value)
    except InputError as exc:
        raise CellProblem("XL-MONEY", str(exc)) from None


def as_int(value: Any) -> int:
    if isinstance(value, bool | datetime | date):
        raise CellProblem("XL-NUMBER", f"{_show(value)} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem("XL-NUMBER", f"{value!r} is not a whole number (a count cannot have a fraction)")
    text = str(value).strip().replace(",", "")
    if _INT.match(text):
        return int(text)
    raise CellProblem("XL-NUMBER", f"'{_show(value)}' is not a whole number")


def as_decimal(value: Any, number_format: str = "General") -> Decimal:
    """Exact decimal; a number shown as '0.0' keeps one place, as it was written."""
    if isinstance(value, bool | datetime | date):
        raise CellProblem("XL-NUMBER", f"{_show(value)} is not a number")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellProblem("XL-NUMBER", f"{value!r} is not a number")
        number = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "")
        if not _NUMBER.match(text):
            raise CellProblem("XL-NUMBER", f"'{_show(value)}' is not a number")
        return Decimal(text)
    places = _PLACES_FORMAT.match(number_format or "")
    if places:
        try:
            shown = number.quantize(Decimal(1).scaleb(-len(places.group(1) or "")))
        except InvalidOperation:
            return number
        if shown == number:
            return shown
    return number


def as_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellProblem("XL-CHOICE", f"'{_show(value)}' is not {YES} or {NO}")


def as_new_existing(value: Any) -> bool:
    text = str(value).strip().lower()
    if text == NEW.lower():
        return True
    if text == EXISTING.lower():
        return False
    raise CellProblem("XL-CHOICE", f"'{_show(value)}' is not {NEW} or {EXISTING}")


def as_kind(value: Any) -> str:
    kind = _KINDS.get(str(value).strip().lower())
    if kind is None:
        raise CellProblem("XL-CHOICE", f"'{_show(value)}' is not a partner kind "
                          f"({', '.join(PARTNER_KINDS.values())})")
    return kind


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
            try:
                return parse(text)
            except ValueError:
                continue
    raise CellProblem("XL-DATE", f"'{_show(value)}' is not a date (write it as DD/MM/YYYY)")


PARSERS = {
    "code": as_code, "text": as_text, "money": as_money, "int": as_int, "yesno": as_yes_no,
    "newexisting": as_new_existing, "kind": as_kind, "date": as_date,
}


def parse(kind: str, value: Any, number_format: str = "General") -> Any:
    if kind == "decimal":
        return as_decimal(value, number_format)
    return PARSERS[kind](value)
