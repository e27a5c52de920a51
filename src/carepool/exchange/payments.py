"""Read a payments file (CSV or Excel) of scheme spend: date, scheme, provider, amount, reference.

An ``area`` column is optional when the caller names the area. Every problem is reported as
a finding with its row (as the user sees it: the header is row 1) and field; the caller
posts nothing unless there are none.
The file is bounded before it is parsed (size, then rows), as the host ledger extract is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.exchange.rows import header_and_rows, size_findings
from carepool.findings import Finding, error
from carepool.ledger.spend import Payment
from carepool.money import parse_money

REQUIRED = ("date", "scheme", "provider", "amount", "reference")
_AREA = re.compile(r"^[A-Z]\d{8}$")
MAX_BYTES = 20_000_000       # bounded before parsing, like the host ledger extract
MAX_ROWS = 200_000
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, cells by lower-case column name) of the data rows; row 1 is the header."""
    return header_and_rows(path)[1]


def cells_by_row(path: Path) -> dict[int, dict[str, str]]:
    """Each row's cells as text by column name (row numbers as in findings), to show beside them."""
    return {n: {str(k): "" if v is None else str(v) for k, v in cells.items() if k}
            for n, cells in _rows(path)}


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def read_payments(path: Path, area: str | None = None) -> tuple[list[Payment], list[Finding]]:
    """Every payment in the file and every finding (row and field) about it."""
    file = path.name
    bounded = size_findings(path, MAX_BYTES, "payments")
    if bounded:
        return [], bounded
    header, rows = header_and_rows(path)
    wanted = REQUIRED if area else (*REQUIRED, "area")
    missing = [c for c in wanted if c not in header]
    if missing:
        return [], [error("payments.columns", f"missing column '{c}' (need {', '.join(wanted)})",
                          file=file, row=1, field=c) for c in missing]
    payments: list[Payment] = []
    found: list[Finding] = []
    seen: dict[tuple[str, str], int] = {}
    for count, (row, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            return [], [error("payments.rows", f"more than {MAX_ROWS:,} rows; split the file", file=file, row=row)]
        before = len(found)
        on = _date(cells.get("date"))
        if on is None:
            found.append(error("payments.date", f"'{cells.get('date')}' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
                               file=file, row=row, field="date"))
        texts = {f: str(cells.get(f) or "").strip() for f in ("scheme", "provider", "reference")}
        for name, value in texts.items():
            if not value:
                found.append(error(f"payments.{name}", f"{name} is empty", file=file, row=row, field=name))
        row_area = str(cells.get("area") or "").strip() or (area or "")
        if not _AREA.match(row_area):
            found.append(error("payments.area", f"'{row_area}' is not an area code like E08000018",
                               file=file, row=row, field="area"))
        pence = 0
        try:
            pence = parse_money(cells.get("amount"), where=None).pence
            if pence == 0:
                found.append(error("payments.amount", "amount is zero", file=file, row=row, field="amount"))
        except InputError as exc:
            found.append(error("payments.amount", str(exc), file=file, row=row, field="amount"))
        ref = texts["reference"]
        if ref and (row_area, ref) in seen:
            found.append(error("payments.duplicate", f"reference '{ref}' is also on row {seen[(row_area, ref)]}",
                               file=file, row=row, field="reference"))
        if ref:
            seen.setdefault((row_area, ref), row)
        if len(found) == before and on is not None:
            payments.append(Payment(row, row_area, on, texts["scheme"], texts["provider"], pence, ref))
    if not payments and not found:
        found.append(error("payments.empty", "the file has no payments", file=file, row=2))
    return payments, found
