"""Write ledger reports (``carepool.ledger.statements.Report``) to CSV and Excel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from carepool.cell_text import SafeWriter, neutralise
from carepool.errors import InputError
from carepool.ledger.statements import Cell, Report
from carepool.money import Money


def _plain(cell: Cell) -> str | int:
    return cell.plain() if isinstance(cell, Money) else cell


def write_csv(report: Report, path: Path) -> Path:
    """One report as CSV; money as plain pounds ('1234.56')."""
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = SafeWriter(handle)
            writer.writerow(report.columns)
            writer.writerows([_plain(c) for c in row] for row in report.rows)
    except OSError as exc:
        raise InputError(f"cannot write: {exc}", where=str(path)) from exc
    return path


def write_excel(reports: Sequence[Report], path: Path) -> Path:
    """Each report on its own sheet; money as exact numbers formatted as pounds, text as inert text."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    for i, report in enumerate(reports, 1):
        sheet = book.create_sheet(f"{i} {report.title}"[:31].replace(":", " ").replace("/", "-"))
        sheet.append(list(report.columns))
        for row in report.rows:
            sheet.append([c.decimal if isinstance(c, Money) else neutralise(c) for c in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Money):
                    cell.number_format = "£#,##0.00;-£#,##0.00"
                elif isinstance(value, str):
                    cell.data_type = "s"    # text stays text: never a formula
    try:
        book.save(path)
    except OSError as exc:
        raise InputError(f"cannot write: {exc}", where=str(path)) from exc
    return path
