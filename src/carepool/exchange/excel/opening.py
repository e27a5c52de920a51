"""Open a file as an Excel workbook, or say in plain words why it is not one.

People upload empty files, CSVs renamed .xlsx, password-protected workbooks (which are not
zip files at all but encrypted OLE containers), old .xls files and half-copied downloads.
Each gets its own message instead of a zip library's traceback.

Nothing is parsed before it is bounded: a workbook is a zip of XML, so a 90 KB upload can hold
a million cells, and one cell at B1048576 makes every "to the last row" loop run a million
times. Before openpyxl sees the file, the zip directory's uncompressed sizes are capped, and
each worksheet's declared dimension, cell count and furthest cell are checked against limits
well above what the planning template needs; anything over is refused with a finding that
names the file, sheet and cell.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from carepool.exchange.excel.layout import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS
from carepool.findings import Finding, error

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # encrypted .xlsx and legacy .xls

# Limits, each far above a full planning workbook (about 0.1 MB unpacked; tables of at most
# MAX_ROWS rows and ten columns), far below what stalls a server.
MAX_UNCOMPRESSED_BYTES = 16_000_000   # all parts together, from the zip directory
MAX_PARTS = 500
MAX_CELLS = 250_000                   # in the whole workbook
_CHUNK = 1 << 16
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z$]*\$?\d*)(?::\$?([A-Za-z]+)\$?(\d+))?"')
_CELL = re.compile(rb'<(?:\w+:)?c[\s>/]')
_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\s[^>]*?\br="([A-Z]{0,3})(\d+)"')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def open_workbook(path: Path) -> tuple[Workbook | None, list[Finding]]:
    """The workbook (formulas kept as formulas, so they can be reported), or findings."""
    name = path.name

    def refuse(message: str, rule: str = "XL-FILE") -> tuple[None, list[Finding]]:
        return None, [error(rule, message, file=name)]

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
            infos = archive.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            if len(infos) > MAX_PARTS or unpacked > MAX_UNCOMPRESSED_BYTES:
                return refuse(f"the workbook is too large to check: it unpacks to {unpacked:,} bytes in "
                              f"{len(infos):,} parts (the limit is {MAX_UNCOMPRESSED_BYTES // 1_000_000} MB in "
                              f"{MAX_PARTS} parts); remove unused rows and sheets", rule="XL-TOO-LARGE")
            damaged = archive.testzip()
            if damaged is None and "xl/workbook.xml" in names:
                over = _over_limits(archive, name)
                if over:
                    return None, over
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return refuse("the file is damaged (an incomplete or corrupt .xlsx zip archive); copy or export it again")
    except ElementTree.ParseError:
        return refuse("the workbook cannot be read: its list of sheets (xl/workbook.xml) is not readable XML")
    except MemoryError:
        raise
    except Exception as exc:  # defusedxml refuses entity tricks with its own exception types
        return refuse(f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:120]})")
    if damaged is not None:
        return refuse(f"the file is damaged: part '{damaged}' of the .xlsx archive is corrupt")
    if "xl/workbook.xml" not in names:
        return refuse("the file is a zip archive but not an Excel workbook (no xl/workbook.xml)")
    try:
        with warnings.catch_warnings():   # openpyxl warns about features it drops; findings say what matters
            warnings.simplefilter("ignore")
            return load_workbook(path, data_only=False), []
    except MemoryError:
        raise                     # not the file's fault as such: the isolated reader turns it into a refusal
    except Exception as exc:  # openpyxl raises many types for malformed parts
        return refuse(f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:120]})")


def _sheet_parts(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, zip part) for each worksheet, from xl/workbook.xml and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = part
    for sheet in book.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id", ""))
        if part and part in archive.namelist():
            yield sheet.get("name", "?"), part


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _too_far(row: int, letters: bytes) -> str | None:
    """Why a cell at ``letters``+``row`` is beyond the limits, or None."""
    if row > MAX_SHEET_ROWS:
        return f"row {row:,} is beyond the {MAX_SHEET_ROWS:,} rows a planning workbook may use"
    if letters and _column_number(letters) > MAX_SHEET_COLUMNS:
        return f"column {letters.decode()} is beyond the {MAX_SHEET_COLUMNS} columns a planning workbook may use"
    return None


def _refusal(file: str, sheet: str, why: str, cell: str | None) -> list[Finding]:
    return [error("XL-TOO-LARGE", f"the workbook is too large to check: {why}; remove the extra rows, columns "
                  "or cells (or start again from the carepool template)", file=file, sheet=sheet, cell=cell)]


def _over_limits(archive: zipfile.ZipFile, file: str) -> list[Finding]:
    """A finding for the first sheet whose declared dimension, furthest cell or cell count is too large.

    Reads each sheet's XML as a byte stream (bounded by the zip directory's sizes, already
    capped) and never builds it in memory as cells.
    """
    cells = 0
    for sheet, part in _sheet_parts(archive):
        tail = b""
        declared = False
        last_ref: str | None = None
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                text = tail + chunk
                if not declared and (dim := _DIMENSION.search(text)) is not None and dim.group(3):
                    declared = True
                    corner = f"{dim.group(2).decode()}{dim.group(3).decode()}"
                    why = _too_far(int(dim.group(3)), dim.group(2))
                    if why:
                        return _refusal(file, sheet, f"sheet '{sheet}' declares cells up to {corner}: {why}", corner)
                for ref in _REF.finditer(text):
                    if ref.end() <= len(tail):
                        continue                      # seen in the previous chunk
                    letters, row = ref.group(1), int(ref.group(2))
                    if letters:
                        last_ref = f"{letters.decode()}{row}"
                    why = _too_far(row, letters)
                    if why:
                        where = last_ref if letters else f"A{row}"
                        return _refusal(file, sheet, f"sheet '{sheet}' has a cell at {where}: {why}", where)
                cells += sum(1 for c in _CELL.finditer(text) if c.end() > len(tail))
                if cells > MAX_CELLS:
                    return _refusal(file, sheet, f"it holds more than {MAX_CELLS:,} cells (passed in sheet "
                                    f"'{sheet}'{f' at {last_ref}' if last_ref else ''})", last_ref)
                tail = text[-256:]                    # a tag may straddle two chunks
    return []


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(2048)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 3:   # not just a character cut at the end of the sample
            return False
    return b"\x00" not in sample
