"""Rows of a CSV file or of a workbook's first sheet, numbered as the person who made it sees them.

The payments file and the host ledger's extract and mapping are all "a table with a header row",
typed in a spreadsheet and saved either way; this is their one reader. Row 1 is the header; blank
rows are skipped but keep their numbers, so a finding's row is the row the user opens.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.findings import Finding, error

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def lower_name(name: object) -> str:
    """A column's name as written, trimmed and in lower case."""
    return str(name or "").strip().lower()


def size_findings(path: Path, max_bytes: int, rule: str) -> list[Finding]:
    """Bound a file before it is parsed: too large or empty is a finding (``rule``.file-size/-empty)."""
    if not path.exists():
        raise InputError("no such file", where=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        return [error(f"{rule}.file-size", f"the file is {size:,} bytes; the limit is {max_bytes:,}",
                      file=path.name)]
    if size == 0:
        return [error(f"{rule}.file-empty", "the file is empty", file=path.name)]
    return []


def read_rows(path: Path, column: Callable[[object], str] = lower_name) -> Iterator[tuple[int, dict[str, Any]]]:
    """Row 1 with every column of the header (cells empty), then each non-blank row's cells by column.

    ``column`` turns a header cell into the column's name. A file that cannot be read (not a
    workbook, not UTF-8 text, not CSV) raises ``InputError`` naming the file.
    """
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        yield from _workbook_rows(path, column)
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [column(h) for h in next(reader, [])]
            yield 1, dict.fromkeys(header, "")
            for n, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield n, dict(zip(header, values, strict=False))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the file: {exc}", where=path.name) from exc


def _workbook_rows(path: Path, column: Callable[[object], str]) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; translate at the boundary
        raise InputError(f"cannot read the workbook: {exc}", where=path.name) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [column(h) for h in next(rows, ())]
        yield 1, dict.fromkeys(header, "")
        for n, values in enumerate(rows, start=2):
            if values and any(v is not None and str(v).strip() for v in values):
                yield n, dict(zip(header, values, strict=False))
    finally:
        book.close()


def header_and_rows(path: Path, column: Callable[[object], str] = lower_name
                    ) -> tuple[dict[str, Any], Iterator[tuple[int, dict[str, Any]]]]:
    """The header's columns, and an iterator over the data rows that follow it."""
    rows = read_rows(path, column)
    _, header = next(rows, (1, {}))
    return header, rows
