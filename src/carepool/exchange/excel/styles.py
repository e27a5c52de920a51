"""Cell styles of the planning workbook: blue fixed cells, yellow input cells.

Blue cells hold what the area cannot change and stay locked under sheet protection;
yellow cells are the inputs and are unlocked. Protection has no password: it guards
against slips, not against a determined user (the reader checks everything anyway).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.worksheet import Worksheet

from carepool.money import Money

FIXED_COLOUR = "BDD7EE"      # blue: pre-populated, locked
ENTRY_COLOUR = "FFF2CC"      # yellow: input, unlocked
CHECK_COLOUR = "E2EFDA"      # green: live checks (formulas), locked
HEADER_COLOUR = "D9D9D9"
NA_COLOUR = "A6A6A6"         # grey: not used for this row

FIXED = PatternFill("solid", fgColor=FIXED_COLOUR)
ENTRY = PatternFill("solid", fgColor=ENTRY_COLOUR)
CHECK = PatternFill("solid", fgColor=CHECK_COLOUR)
HEADER = PatternFill("solid", fgColor=HEADER_COLOUR)
NOT_USED = PatternFill("solid", fgColor=NA_COLOUR)

MONEY_FORMAT = '"£"#,##0.00'
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "General"
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"

FORMATS = {"money": MONEY_FORMAT, "int": INT_FORMAT, "decimal": DECIMAL_FORMAT, "date": DATE_FORMAT}

LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
_MAX_EXACT_DIGITS = 15       # Excel keeps 15 significant digits; longer decimals go as text


def excel_value(value: Any) -> Any:
    """A model value as the cell should hold it (money as exact pounds, booleans as Yes/No)."""
    if isinstance(value, Money):
        value = value.decimal
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return value if len(value.as_tuple().digits) <= _MAX_EXACT_DIGITS else str(value)
    return value


def put(cell: Cell, value: Any) -> None:
    """Set a value; text starting with '=' stays text, never becomes a formula."""
    cell.value = excel_value(value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def fixed(cell: Cell, value: Any, kind: str = "text") -> None:
    put(cell, value)
    cell.fill = FIXED
    cell.protection = LOCKED
    cell.number_format = FORMATS.get(kind, TEXT_FORMAT if isinstance(value, str) else "General")


def entry(cell: Cell, value: Any, kind: str = "text") -> None:
    put(cell, value)
    cell.fill = ENTRY
    cell.protection = UNLOCKED
    cell.number_format = decimal_format(value) if kind == "decimal" else FORMATS.get(kind, TEXT_FORMAT)


def decimal_format(value: Any) -> str:
    """'0.0' for Decimal('82.0'): the places shown are the places the reader keeps."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return DECIMAL_FORMAT
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def check(cell: Cell, formula: str, kind: str = "text") -> None:
    cell.value = formula
    cell.fill = CHECK
    cell.protection = LOCKED
    cell.number_format = FORMATS.get(kind, "General")


def not_used(cell: Cell) -> None:
    cell.value = None
    cell.fill = NOT_USED
    cell.protection = LOCKED


def header(cell: Cell, text: str) -> None:
    cell.value = text
    cell.font = Font(bold=True)
    cell.fill = HEADER
    cell.protection = LOCKED
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def title(ws: Worksheet, text: str, note: str = "") -> None:
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    if note:
        ws["A2"] = note
        ws["A2"].font = Font(italic=True)


def protect(ws: Worksheet) -> None:
    """Sheet protection on, no password (locked cells cannot be typed over by accident)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False   # people may still widen columns
    ws.protection.formatRows = False
