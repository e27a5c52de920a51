"""Open a file as an Excel workbook, or say in plain words why it is not one.

People upload empty files, CSVs renamed .xlsx, password-protected workbooks (which are not
zip files at all but encrypted OLE containers), old .xls files and half-copied downloads.
Each gets its own message instead of a zip library's traceback.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from carepool.findings import Finding, error

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # encrypted .xlsx and legacy .xls


def open_workbook(path: Path) -> tuple[Workbook | None, list[Finding]]:
    """The workbook (formulas kept as formulas, so they can be reported), or findings."""
    name = path.name

    def refuse(message: str) -> tuple[None, list[Finding]]:
        return None, [error("XL-FILE", message, file=name)]

    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        size = path.stat().st_size
    except FileNotFoundError:
        return refuse(f"file '{path}' does not exist")
    except OSError as exc:
        return refuse(f"file cannot be read: {exc.strerror or exc}")
    if size == 0:
        return refuse("the file is empty (0 bytes); export the workbook again")
    if head.startswith(_OLE):
        return refuse("the file is password-protected (encrypted) or an old .xls workbook; remove the password "
                      "and save it as an Excel Workbook (.xlsx)")
    if not head.startswith(_ZIP):
        kind = "text (perhaps a CSV file renamed .xlsx)" if _looks_like_text(path) else "not an Excel file"
        return refuse(f"the file is not an Excel workbook: its content is {kind}; save it as .xlsx from Excel")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return refuse("the file is damaged (an incomplete or corrupt .xlsx zip archive); copy or export it again")
    if damaged is not None:
        return refuse(f"the file is damaged: part '{damaged}' of the .xlsx archive is corrupt")
    if "xl/workbook.xml" not in names:
        return refuse("the file is a zip archive but not an Excel workbook (no xl/workbook.xml)")
    try:
        with warnings.catch_warnings():   # openpyxl warns about features it drops; findings say what matters
            warnings.simplefilter("ignore")
            return load_workbook(path, data_only=False), []
    except Exception as exc:  # openpyxl raises many types for malformed parts
        return refuse(f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:120]})")


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(2048)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:   # not just a character cut at the end of the sample
            return False
    return b"\x00" not in sample
