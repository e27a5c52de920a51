"""The return workbook: a quarterly or end-of-year return as an Excel file, written and read back.

``carepool returns template`` writes it pre-filled (the pool's books to the period's end; from
2021-22 each metric's goal and, where person-level data are loaded, the engine's actual with its
interval, locked and marked ``engine``); the area fills the yellow cells and submits it with
``carepool returns submit FILE.xlsx``. Reading gives the return's documented JSON shape plus a
map from each field to its sheet and cell, so every finding names the cell to fix.

Sheets: Cover (area, year, period, narrative; the 2015-era admissions and delayed days),
Finance (income and expenditure to date per pool, expenditure per scheme), Conditions (met?
comment), Metrics (current years: goal, actual, source, interval, on track?, narrative).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel.cellvalues import CellProblem, as_int, as_money, as_text, as_yes_no, is_blank
from carepool.exchange.excel.opening import open_workbook
from carepool.exchange.excel.styles import entry, fixed, header, protect, title
from carepool.findings import Finding, error
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import QuarterlyReturn, quarter_label
from carepool.plans.return_metrics import ENGINE, is_current
from carepool.programme.model import ProgrammeYear

COVER, FINANCE, CONDITIONS, METRICS = "Cover", "Finance", "Conditions", "Metrics"
FIRST_ROW = 4                  # the first data row under each table's header (row 3)
MAX_ROWS = 600                 # rows read from a table at most (a plan has at most 500 schemes)
METRIC_HEADERS = ("Metric", "Name", "Unit", "Goal", "Actual", "Source", "Lower limit", "Upper limit",
                  "On track? (Yes/No)", "Narrative (needed when not on track)")
Cells = dict[str, tuple[str, str]]


def write_return_workbook(path: Path, ret: QuarterlyReturn, programme: ProgrammeYear, plan: Plan | None,
                          area_name: str) -> Path:
    """Write ``ret`` (pre-filled figures; blanks for the area to fill) as the return workbook."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = COVER
    title(cover, f"{programme.name}: return for {quarter_label(ret.quarter)}",
          "Fill the yellow cells; blue cells are pre-filled and locked.")
    rows: list[tuple[str, object, bool]] = [
        ("Area code", ret.area_code, False), ("Area", area_name, False), ("Programme year", ret.year, False),
        ("Period", ret.quarter, False), ("Narrative", ret.narrative, True)]
    if not is_current(programme):
        rows += [("Non-elective admissions in the quarter", ret.admissions, True),
                 ("Delayed transfer of care days in the quarter", ret.delayed_days, True)]
    for i, (label, value, editable) in enumerate(rows, start=3):
        header(cover.cell(i, 1), label)
        (entry if editable else fixed)(cover.cell(i, 2), value, "int" if "admissions" in label or "days" in label
                                       else "text")
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 44, 60
    _finance(wb.create_sheet(FINANCE), ret, plan)
    _conditions(wb.create_sheet(CONDITIONS), ret, programme)
    if is_current(programme):
        _metrics(wb.create_sheet(METRICS), ret, programme)
    for ws in wb.worksheets:
        protect(ws)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _finance(ws: Worksheet, ret: QuarterlyReturn, plan: Plan | None) -> None:
    title(ws, "Income and expenditure to date", "From the start of the year to the end of the period, in pounds.")
    for col, text in enumerate(("Pool or scheme", "Name", "Pool", "Income to date", "Expenditure to date"), 1):
        header(ws.cell(3, col), text)
    names = {p.id: p.name for p in plan.pools} if plan is not None else {}
    schemes = {s.ref: s for s in plan.schemes} if plan is not None else {}
    row = FIRST_ROW
    for p in ret.pools:
        fixed(ws.cell(row, 1), p.pool)
        fixed(ws.cell(row, 2), names.get(p.pool, ""))
        fixed(ws.cell(row, 3), "(pool)")
        entry(ws.cell(row, 4), p.income_to_date, "money")
        entry(ws.cell(row, 5), p.expenditure_to_date, "money")
        row += 1
    for s in ret.schemes:
        scheme = schemes.get(s.scheme)
        fixed(ws.cell(row, 1), s.scheme)
        fixed(ws.cell(row, 2), scheme.name if scheme else "")
        fixed(ws.cell(row, 3), scheme.pool if scheme else "")
        fixed(ws.cell(row, 4), None)
        entry(ws.cell(row, 5), s.expenditure_to_date, "money")
        row += 1
    for letter, width in zip("ABCDE", (16, 48, 8, 18, 20), strict=True):
        ws.column_dimensions[letter].width = width


def _conditions(ws: Worksheet, ret: QuarterlyReturn, programme: ProgrammeYear) -> None:
    title(ws, "National conditions", "Is each condition met? A condition not met needs a comment.")
    for col, text in enumerate(("Condition", "Title", "Met? (Yes/No)", "Comment"), 1):
        header(ws.cell(3, col), text)
    for row, c in enumerate(programme.conditions, start=FIRST_ROW):
        given = ret.condition(c.id)
        fixed(ws.cell(row, 1), c.id)
        fixed(ws.cell(row, 2), c.title)
        entry(ws.cell(row, 3), given.met if given is not None and given.met is not None else None)
        entry(ws.cell(row, 4), given.comment if given is not None else "")
    for letter, width in zip("ABCD", (10, 60, 14, 60), strict=True):
        ws.column_dimensions[letter].width = width


def _metrics(ws: Worksheet, ret: QuarterlyReturn, programme: ProgrammeYear) -> None:
    title(ws, f"Metrics for {quarter_label(ret.quarter)}",
          "Goal from the assured plan. An actual marked 'engine' was measured from person-level data and is "
          "locked; enter the others.")
    for col, text in enumerate(METRIC_HEADERS, 1):
        header(ws.cell(3, col), text)
    lines = {m.metric: m for m in ret.metrics}
    for row, spec in enumerate(programme.metrics, start=FIRST_ROW):
        line = lines.get(spec.code)
        fixed(ws.cell(row, 1), spec.code)
        fixed(ws.cell(row, 2), spec.name)
        fixed(ws.cell(row, 3), spec.unit)
        fixed(ws.cell(row, 4), line.goal if line else None)
        from_engine = line is not None and line.source == ENGINE
        (fixed if from_engine else entry)(ws.cell(row, 5), line.actual if line else None)
        fixed(ws.cell(row, 6), line.source if line else "entered")
        fixed(ws.cell(row, 7), line.lower if line else None)
        fixed(ws.cell(row, 8), line.upper if line else None)
        entry(ws.cell(row, 9), line.on_track if line and line.on_track is not None else None)
        entry(ws.cell(row, 10), line.narrative if line else "")
        for col in (4, 5, 7, 8):             # figures shown to two places; the cell keeps every digit
            ws.cell(row, col).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFGHIJ", (30, 48, 16, 12, 12, 10, 12, 12, 14, 60), strict=True):
        ws.column_dimensions[letter].width = width


# reading ------------------------------------------------------------------------------------------
class _Sheet:
    """One sheet's cells read as the JSON shape's values; a problem is a finding at the cell."""

    def __init__(self, ws: Worksheet, file: str, cells: Cells, found: list[Finding]) -> None:
        self.ws, self.file, self.cells, self.found = ws, file, cells, found

    def value(self, row: int, col: int, field: str, kind: str = "text") -> Any:
        cell = self.ws.cell(row, col)
        self.cells[field] = (self.ws.title, cell.coordinate)
        raw = cell.value
        if is_blank(raw):
            return None
        if cell.data_type == "f":        # text that merely starts with '=' is kept as text
            self.found.append(error("return.formula", f"cell {cell.coordinate} holds a formula ({str(raw)[:40]}); "
                                    "type the value", file=self.file, sheet=self.ws.title, cell=cell.coordinate,
                                    field=field))
            return None
        try:
            if kind == "money":
                return as_money(raw).plain()
            if kind == "int":
                return as_int(raw)
            if kind == "yes_no":
                return as_yes_no(raw)
            if kind == "number":
                return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else as_text(raw)
            return as_text(raw).strip()
        except CellProblem as exc:
            self.found.append(error("return.cell", str(exc), file=self.file, sheet=self.ws.title,
                                    cell=cell.coordinate, field=field))
            return None

    def codes(self, col: int = 1) -> list[tuple[int, str]]:
        """(row, code) of each table row with a code in column ``col``."""
        out: list[tuple[int, str]] = []
        for row in range(FIRST_ROW, FIRST_ROW + MAX_ROWS):
            raw = self.ws.cell(row, col).value
            if not is_blank(raw):
                out.append((row, as_text(raw).strip()))
        return out


def read_return_workbook(path: Path) -> tuple[dict[str, Any] | None, Cells, list[Finding]]:
    """The return's JSON shape, the cell of each field, and every problem found reading it."""
    wb, found = open_workbook(path)
    cells: Cells = {}
    if wb is None:
        return None, cells, found
    missing = [s for s in (COVER, FINANCE, CONDITIONS) if s not in wb.sheetnames]
    if missing:
        return None, cells, [error("return.sheet-missing", f"the workbook has no sheet '{s}': write the workbook "
                                   "with carepool returns template", file=path.name, sheet=s) for s in missing]
    cover = _Sheet(wb[COVER], path.name, cells, found)
    data: dict[str, Any] = {}
    for row, key in ((3, "area_code"), (5, "year"), (6, "quarter"), (7, "narrative")):
        data[key] = cover.value(row, 2, key) or ""
    labels = {as_text(wb[COVER].cell(r, 1).value or "").lower(): r for r in (8, 9)}
    for words, key in (("non-elective admissions", "non_elective_admissions"), ("delayed transfer", "delayed_days")):
        found_row = next((r for label, r in labels.items() if label.startswith(words)), None)
        if found_row is not None:
            data[key] = cover.value(found_row, 2, "admissions" if key.startswith("non") else key, "int")
    data["pools"], data["schemes"] = _read_finance(_Sheet(wb[FINANCE], path.name, cells, found))
    data["conditions"] = _read_conditions(_Sheet(wb[CONDITIONS], path.name, cells, found))
    if METRICS in wb.sheetnames:
        data["metrics"] = _read_metrics(_Sheet(wb[METRICS], path.name, cells, found))
    return data, cells, found


def _read_finance(sheet: _Sheet) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pools: list[dict[str, Any]] = []
    schemes: list[dict[str, Any]] = []
    for row, code in sheet.codes():
        if as_text(sheet.ws.cell(row, 3).value or "") == "(pool)":
            pools.append({"pool": code,
                          "income_to_date": sheet.value(row, 4, f"pools.{code}.income_to_date", "money"),
                          "expenditure_to_date": sheet.value(row, 5, f"pools.{code}.expenditure_to_date", "money")})
            sheet.cells[f"pools.{code}"] = (sheet.ws.title, f"A{row}")
        else:
            spent = sheet.value(row, 5, f"schemes.{code}.expenditure_to_date", "money")
            sheet.cells[f"schemes.{code}"] = (sheet.ws.title, f"A{row}")
            if spent is not None:
                schemes.append({"scheme": code, "expenditure_to_date": spent})
    return [p for p in pools if p["income_to_date"] is not None and p["expenditure_to_date"] is not None], schemes


def _read_conditions(sheet: _Sheet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row, code in sheet.codes():
        sheet.cells[f"conditions.{code}"] = (sheet.ws.title, f"C{row}")
        out.append({"id": code, "met": sheet.value(row, 3, f"conditions.{code}", "yes_no"),
                    "comment": sheet.value(row, 4, f"conditions.{code}.comment") or ""})
    return out


def _read_metrics(sheet: _Sheet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row, code in sheet.codes():
        sheet.cells[f"metrics.{code}"] = (sheet.ws.title, f"A{row}")
        out.append({"metric": code, "actual": sheet.value(row, 5, f"metrics.{code}.actual", "number"),
                    "source": sheet.value(row, 6, f"metrics.{code}.source") or "entered",
                    "on_track": sheet.value(row, 9, f"metrics.{code}.on_track", "yes_no"),
                    "narrative": sheet.value(row, 10, f"metrics.{code}.narrative") or ""})
    return out

