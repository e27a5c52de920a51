"""Text that is safe to put in a spreadsheet cell: the one defence against formula injection.

Excel, LibreOffice and Google Sheets treat a cell that begins with ``=``, ``+``, ``-`` or ``@``
(and, in some of them, a leading tab or carriage return) as a formula, so a name such as
``=HYPERLINK("http://evil", "x")`` typed into a plan would run when someone opens an export.
Every CSV and Excel writer passes its values through :func:`neutralise`, which puts a single
quote in front of such text (OWASP's advice): the cell then shows the text as typed. A plain
number written as text ("-12", "+3.5", "-1,234.50") is left alone: it is data, not a formula.

Codes (scheme references, pool ids) are held to :data:`CODE_PATTERN` when a plan is
validated, so they never need neutralising at all.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")
# a code: starts with a letter or digit, then letters, digits, space, dot, slash, underscore, dash
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return bool(text) and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(value: Any) -> Any:
    """``value`` with formula-like text made inert (a leading single quote); anything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]


def is_code(text: str) -> bool:
    """True when ``text`` is a well-formed code (scheme reference, pool id)."""
    return bool(CODE_PATTERN.fullmatch(text))


class SafeWriter:
    """``csv.writer`` that neutralises every value it writes."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """``csv.DictWriter`` that neutralises every value it writes."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: neutralise(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)
