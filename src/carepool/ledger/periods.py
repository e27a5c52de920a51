"""Accounting periods (month, financial quarter, financial year) and closing them.

Financial years run April to March; quarter labels follow the programme files
('2015Q1' is April-June 2015, '2015Q4' is January-March 2016). A closed period is per
area: nothing may be posted into it afterwards (corrections go into an open period).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from carepool.errors import InputError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})-M$")
KINDS = ("month", "quarter", "year")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    start: date
    end: date          # inclusive
    kind: str
    label: str

    def contains(self, on: date) -> bool:
        return self.start <= on <= self.end


@dataclass(frozen=True, order=True, slots=True)
class ClosedPeriod:
    area: str
    period: Period


def month(year: int, month_number: int) -> Period:
    last = calendar.monthrange(year, month_number)[1]
    return Period(date(year, month_number, 1), date(year, month_number, last), "month",
                  f"{year}-{month_number:02d}-M")


def quarter(label: str) -> Period:
    """A financial quarter from its label ('2015Q1' = April-June 2015)."""
    match = _QUARTER.match(label.strip())
    if not match:
        raise InputError(f"'{label}' is not a quarter like 2015Q1")
    fy, q = int(match.group(1)), int(match.group(2))
    first_month = 4 + 3 * (q - 1)
    year = fy + (first_month - 1) // 12
    first_month = (first_month - 1) % 12 + 1
    start = date(year, first_month, 1)
    end_month = month(year, first_month + 2)
    return Period(start, end_month.end, "quarter", f"{fy}Q{q}")


def financial_year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), "year",
                  f"{start_year}-{(start_year + 1) % 100:02d}")


def parse_period(label: str) -> Period:
    """'2015Q2', '2015-16' or '2015-07-M'."""
    text = label.strip()
    if _QUARTER.match(text):
        return quarter(text)
    if m := _YEAR.match(text):
        start = int(m.group(1))
        if (start + 1) % 100 != int(m.group(2)):
            raise InputError(f"'{label}' is not a financial year like 2015-16")
        return financial_year(start)
    if m := _MONTH.match(text):
        return month(int(m.group(1)), int(m.group(2)))
    raise InputError(f"'{label}' is not a period (2015Q1, 2015-16 or 2015-07-M)")


def quarter_of(on: date) -> str:
    fy = on.year if on.month >= 4 else on.year - 1
    q = ((on.month - 4) % 12) // 3 + 1
    return f"{fy}Q{q}"


def months_of(year: Period) -> list[Period]:
    """The months of a period, in order."""
    out: list[Period] = []
    cursor = year.start
    while cursor <= year.end:
        out.append(month(cursor.year, cursor.month))
        cursor = out[-1].end + timedelta(days=1)
    return out


def closed_on(closed: Iterable[ClosedPeriod], area: str, on: date) -> Period | None:
    """The closed period of ``area`` that contains ``on``, if any."""
    for c in closed:
        if c.area == area and c.period.contains(on):
            return c.period
    return None
