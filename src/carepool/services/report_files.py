"""Use case: write statements and other tabular reports to files (CSV or Excel) for downloads and the CLI.

One place decides how several reports become files: one CSV file per report (numbered beside
``out`` when there are several), or one Excel workbook with a sheet per report. The writers
neutralise formula-like text (``exchange.ledger_reports``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from carepool.errors import InputError
from carepool.exchange.ledger_reports import write_csv, write_excel
from carepool.ledger.statements import Report

FORMATS = ("csv", "excel")


def write_reports(reports: Sequence[Report], fmt: str, out: Path) -> list[Path]:
    """Write ``reports`` as ``fmt`` at ``out``; the paths written, in order."""
    if fmt == "csv":
        if len(reports) == 1:
            return [write_csv(reports[0], out)]
        return [write_csv(report, out.with_name(f"{out.stem}-{i + 1}{out.suffix or '.csv'}"))
                for i, report in enumerate(reports)]
    if fmt == "excel":
        return [write_excel(list(reports), out)]
    raise InputError(f"'{fmt}' is not a file format ({', '.join(FORMATS)})")
