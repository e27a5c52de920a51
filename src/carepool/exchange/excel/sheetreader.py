"""Read typed cells and tables from one worksheet, recording findings and cell positions.

Every problem becomes a finding at its sheet and cell (formulas where values belong, Excel
error values, merged input cells, blanks the model cannot hold, text that is not a number),
and every value read is recorded against its plan field path, so validation findings can
later be pointed back at the cell the value came from.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel.cellvalues import CellProblem, is_blank, parse
from carepool.exchange.excel.layout import FIRST_ROW, HEADER_ROW, MAX_ROWS, MAX_SHEET_COLUMNS, Table
from carepool.findings import Finding, error

CellMap = dict[str, tuple[str, str]]
_SPACES = re.compile(r"\s+")


def normalise(header: Any) -> str:
    return _SPACES.sub(" ", str(header or "")).strip().lower()


class SheetReader:
    """Typed access to one sheet's cells; problems go to ``findings``, positions to ``cells``."""

    def __init__(self, ws: Worksheet, file: str, findings: list[Finding], cells: CellMap) -> None:
        self.ws = ws
        self.file = file
        self.findings = findings
        self.cells = cells
        self._merged = {}
        for rng in ws.merged_cells.ranges:
            for row in range(rng.min_row, min(rng.max_row, rng.min_row + MAX_ROWS) + 1):
                for col in range(rng.min_col, min(rng.max_col, rng.min_col + 200) + 1):
                    self._merged[f"{get_column_letter(col)}{row}"] = rng
        self._reported: set[str] = set()

    def problem(self, rule: str, message: str, coord: str | None, field: str | None = None) -> None:
        self.findings.append(error(rule, message, file=self.file, sheet=self.ws.title, cell=coord, field=field))

    def raw(self, coord: str, field: str | None = None) -> tuple[bool, Any]:
        """(ok, value): not ok when the cell holds a formula, an error value or is merged."""
        rng = self._merged.get(coord)
        if rng is not None:
            top = rng.start_cell.coordinate
            if str(rng) not in self._reported:
                self._reported.add(str(rng))
                self.problem("XL-MERGED", f"cells {rng} are merged; input cells must not be merged "
                             "(unmerge them and type each value in its own cell)", top, field)
            return False, None
        cell = self.ws[coord]
        value = cell.value
        if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
            text = value.text if isinstance(value, ArrayFormula) else str(value)
            self.problem("XL-FORMULA", f"holds a formula ({text[:60]}) where a value belongs; "
                         "type the value itself", coord, field)
            return False, None
        if cell.data_type == "e":
            self.problem("XL-CELL-ERROR", f"shows the Excel error {value}; type a value", coord, field)
            return False, None
        return True, value

    def read(self, coord: str, kind: str, *, field: str, label: str, required: bool = False) -> Any:
        """The typed value at ``coord`` (None when blank); records the field's position."""
        self.cells[field] = (self.ws.title, coord)
        ok, value = self.raw(coord, field)
        if not ok:
            return None
        if is_blank(value):
            if required:
                self.problem("XL-BLANK", f"'{label}' must be filled in", coord, field)
            return None
        try:
            return parse(kind, value, self.ws[coord].number_format)
        except CellProblem as exc:
            self.problem(exc.rule, f"'{label}': {exc}", coord, field)
            return None

    def table(self, table: Table) -> list[dict[str, Any]] | None:
        """Every non-blank row of ``table`` as {key: value}; None when a header is missing."""
        found: dict[str, int] = {}
        for col in range(1, min(self.ws.max_column or 0, MAX_SHEET_COLUMNS) + 1):
            found.setdefault(normalise(self.ws.cell(HEADER_ROW, col).value), col)
        columns: dict[str, int] = {}
        for spec in table.columns:
            if not spec.read:
                continue
            position = found.get(normalise(spec.header))
            if position is None and spec.optional:
                continue
            if position is None:
                self.problem("XL-HEADER", f"column '{spec.header}' is missing from the {table.sheet} header "
                             f"row (row {HEADER_ROW}); use the carepool template", f"{table.letter(spec.key)}"
                             f"{HEADER_ROW}", table.field)
            else:
                columns[spec.key] = position
        self.cells[table.field] = (self.ws.title, f"A{HEADER_ROW}")
        if len(columns) < sum(1 for c in table.columns if c.read and not c.optional):
            return None
        rows: list[dict[str, Any]] = []
        last = self.ws.max_row or 0
        if last >= FIRST_ROW + MAX_ROWS:
            self.problem("XL-ROWS", f"more than {MAX_ROWS} rows; only the first {MAX_ROWS} are read",
                         f"A{FIRST_ROW + MAX_ROWS}", table.field)
            last = FIRST_ROW + MAX_ROWS - 1
        for r in range(FIRST_ROW, last + 1):
            coords = {key: f"{get_column_letter(c)}{r}" for key, c in columns.items()}
            if all(self._blank(coord) for coord in coords.values()):
                continue
            i = len(rows)
            values: dict[str, Any] = {"_row": r}
            for spec in table.columns:
                if spec.read:
                    values[spec.key] = self.read(coords[spec.key], spec.kind, field=field_path(table, i, spec.key),
                                                 label=spec.header, required=spec.required)
            self.cells[f"{table.field}[{i}]"] = (self.ws.title, coords[table.columns[0].key])
            rows.append(values)
        return rows

    def _blank(self, coord: str) -> bool:
        cell = self.ws[coord]
        return cell.data_type != "f" and is_blank(cell.value) and coord not in self._merged


def field_path(table: Table, index: int, key: str) -> str:
    """'metrics[0].planned[2]' and 'schemes[3].amounts[1]' for per-period columns, else 'schemes[3].amount'."""
    if key.startswith("planned_"):
        return f"{table.field}[{index}].planned[{key.removeprefix('planned_')}]"
    if key.startswith("amounts_"):
        return f"{table.field}[{index}].amounts[{key.removeprefix('amounts_')}]"
    return f"{table.field}[{index}].{key}"
