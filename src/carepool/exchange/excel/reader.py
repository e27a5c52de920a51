"""Read a planning workbook back into a plan, collecting every problem as a finding.

``read_plan_workbook`` never raises for what is in the file: an empty file, a CSV renamed
.xlsx, a missing sheet, text in a money cell, a formula where a value belongs all become
findings with the sheet and cell. The plan is returned only when reading found no error;
the rules of the fund (minimums, sums, codes and lists) are then checked by
``validate_plan``, and ``locate`` points its findings back at the cells recorded here.
A metric's number of planned values comes from its frequency in the programme year
(four for quarterly metrics, one for annual), as the workbook lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.workbook.workbook import Workbook

from carepool.errors import CarepoolError
from carepool.exchange.excel import read_parts
from carepool.exchange.excel.cellvalues import is_blank
from carepool.exchange.excel.layout import (
    AMBITION,
    CAPACITY,
    CAPACITY_TABLE,
    CONDITIONS_TABLE,
    COVER,
    FUNDING_TABLE,
    LISTS,
    MAX_NOTES,
    MAX_SHEET_ROWS,
    METRICS_TABLE,
    NOTES_FIRST_ROW,
    NOTES_HEADER_ROW,
    PARTNERS_TABLE,
    POOLS_TABLE,
    QUARTERS,
    REQUIRED_SHEETS,
    SCHEMES_TABLE,
    SHEETS,
    SIGNOFF_TABLE,
    TEMPLATE_ID,
    Table,
    cover_cell,
    tables_for,
)
from carepool.exchange.excel.lists import check_lists
from carepool.exchange.excel.opening import open_workbook
from carepool.exchange.excel.sheetreader import CellMap, SheetReader
from carepool.findings import Finding, error, has_errors, warning
from carepool.plans.model import Plan
from carepool.programme import load_programme
from carepool.programme.model import ProgrammeYear
from carepool.reference.model import ReferenceData

_YEAR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,40}$")


@dataclass(frozen=True)
class WorkbookRead:
    """What reading found: the plan (None when reading found an error), every finding, and
    where each plan field came from (field path -> (sheet, cell))."""

    plan: Plan | None
    findings: list[Finding]
    cells: CellMap = field(default_factory=dict)
    year: ProgrammeYear | None = None


def read_plan_workbook(
    path: Path, *, ref: ReferenceData, year_loader: Callable[[str], ProgrammeYear] = load_programme,
) -> WorkbookRead:
    """Read the workbook at ``path``; the year comes from its Cover sheet."""
    path = Path(path)
    wb, problems = open_workbook(path)
    if wb is None:
        return WorkbookRead(None, problems)
    return _Reading(wb, path.name, ref, year_loader).run()


class _Reading:
    def __init__(self, wb: Workbook, file: str, ref: ReferenceData,
                 year_loader: Callable[[str], ProgrammeYear]) -> None:
        self.wb, self.file, self.ref, self.year_loader = wb, file, ref, year_loader
        self.findings: list[Finding] = []
        self.cells: CellMap = {}
        self.year: ProgrammeYear | None = None

    def reader(self, sheet: str) -> SheetReader:
        return SheetReader(self.wb[sheet], self.file, self.findings, self.cells)

    def result(self, plan: Plan | None = None) -> WorkbookRead:
        return WorkbookRead(plan, self.findings, self.cells, self.year)

    def run(self) -> WorkbookRead:
        for sheet in SHEETS:
            if sheet not in self.wb.sheetnames:
                make = error if sheet in REQUIRED_SHEETS else warning
                self.findings.append(make("XL-SHEET", f"sheet '{sheet}' is missing; start from the carepool template "
                                          "(carepool plan template)", file=self.file, sheet=sheet))
        if COVER not in self.wb.sheetnames:
            return self.result()
        cover = self.reader(COVER)
        if not self._template(cover):
            return self.result()
        area_code, illustrative, narrative, notes = self._cover(cover)
        tables = {t.sheet: t for t in tables_for(self.year)}
        rows = {name: self.reader(name).table(t) if name in self.wb.sheetnames else None for name, t in tables.items()}
        capacity = (self.reader(CAPACITY).table(CAPACITY_TABLE) or []) if CAPACITY in self.wb.sheetnames else []
        if rows[METRICS_TABLE.sheet] is not None:
            read_parts.planned_periods(self.reader(METRICS_TABLE.sheet), rows[METRICS_TABLE.sheet] or [], self.year,
                                       tables[METRICS_TABLE.sheet])
        plan_years = self.year.plan_years if self.year is not None else ()
        if rows[SCHEMES_TABLE.sheet] and len(plan_years) > 1:
            self._scheme_cells(rows[SCHEMES_TABLE.sheet] or [], tables[SCHEMES_TABLE.sheet])
        quarters = len(self.year.performance.quarter_shares) if self.year else QUARTERS
        ambition = read_parts.ambition(self.reader(AMBITION), quarters) if AMBITION in self.wb.sheetnames else None
        if self.year is not None and LISTS in self.wb.sheetnames:
            self.findings.extend(check_lists(self.wb[LISTS], self.year, self.file))
        if has_errors(self.findings) or ambition is None or self.year is None or any(r is None for r in rows.values()):
            return self.result()

        def table(name: str) -> list[dict[str, Any]]:
            return rows[name] or []

        plan = Plan(
            area_code=str(area_code), year=self.year.id,
            partners=read_parts.partners(table(PARTNERS_TABLE.sheet)),
            pools=read_parts.pools(table(POOLS_TABLE.sheet)),
            funding=read_parts.funding(table(FUNDING_TABLE.sheet)),
            schemes=read_parts.schemes(table(SCHEMES_TABLE.sheet), plan_years),
            metrics=read_parts.metrics(table(METRICS_TABLE.sheet)),
            ambition=ambition,
            conditions=read_parts.conditions(table(CONDITIONS_TABLE.sheet)),
            signoffs=read_parts.signoffs(table(SIGNOFF_TABLE.sheet)),
            narrative=narrative, illustrative=illustrative, notes=notes,
            capacity=read_parts.capacity(capacity),
        )
        return self.result(plan)

    def _scheme_cells(self, rows: list[dict[str, Any]], table: Table) -> None:
        """Two-year plans: a scheme's whole amount is the live sum of its plan years; point findings
        about the amount at that cell and findings about its years at the first year's cell."""
        for i, row in enumerate(rows):
            self.cells[f"schemes[{i}].amount"] = (table.sheet, f"{table.letter('amount')}{row['_row']}")
            self.cells[f"schemes[{i}].amounts"] = (table.sheet, f"{table.letter('amounts_0')}{row['_row']}")

    def _template(self, cover: SheetReader) -> bool:
        spec = cover_cell("template")
        ok, value = cover.raw(spec.cell)
        if ok and value == TEMPLATE_ID:
            return True
        cover.problem("XL-TEMPLATE", f"this is not the carepool planning workbook: the Cover should read "
                      f"'{TEMPLATE_ID}' but reads {value!r}; copy your figures into a template from "
                      "carepool plan template", spec.cell)
        return False

    def _cover(self, cover: SheetReader) -> tuple[str | None, bool, str, tuple[str, ...]]:
        def read(name: str, required: bool = False) -> Any:
            spec = cover_cell(name)
            return cover.read(spec.cell, spec.kind, field=name, label=spec.label, required=required)

        year_id = read("year", required=True)
        if year_id is not None:
            self.year = self._load_year(cover, str(year_id))
        area_code = read("area_code", required=True)
        if area_code is not None and area_code in self.ref.areas:
            name_cell = cover_cell("area_name").cell
            shown = cover.ws[name_cell].value
            if shown != self.ref.areas[area_code].name:
                self.findings.append(warning(
                    "XL-AREA-NAME", f"the Cover names the area {shown!r} but code {area_code} is "
                    f"{self.ref.areas[area_code].name!r}; check the area code", file=self.file, sheet=COVER,
                    cell=name_cell))
        illustrative = read("illustrative")
        narrative = read("narrative")
        notes: list[str] = []
        cover.cells["notes"] = (COVER, f"A{NOTES_HEADER_ROW}")
        for r in range(NOTES_FIRST_ROW, NOTES_FIRST_ROW + MAX_NOTES):   # the layout's limit, never max_row
            slot = f"notes[{len(notes)}]"
            note = cover.read(f"B{r}", "text", field=slot, label="Note")
            if note is None:
                cover.cells.pop(slot, None)
            else:
                notes.append(note)
        beyond = NOTES_FIRST_ROW + MAX_NOTES
        # opening the file capped the rows at MAX_SHEET_ROWS, so this look past the limit is bounded
        if any(not is_blank(c.value) for (c,) in cover.ws.iter_rows(
                min_row=beyond, max_row=min(cover.ws.max_row or 0, MAX_SHEET_ROWS), min_col=2, max_col=2)):
            cover.problem("XL-ROWS", f"more than {MAX_NOTES} notes; notes from row {beyond} on are not read "
                          "(put them in fewer rows)", f"B{beyond}", "notes")
        return area_code, bool(illustrative), "" if narrative is None else narrative, tuple(notes)

    def _load_year(self, cover: SheetReader, year_id: str) -> ProgrammeYear | None:
        cell = cover_cell("year").cell
        if not _YEAR_ID.match(year_id):
            cover.problem("XL-YEAR", f"'{year_id}' is not a programme year id (e.g. bcf-2015-16)", cell, "year")
            return None
        try:
            return self.year_loader(year_id)
        except CarepoolError as exc:
            cover.problem("XL-YEAR", f"unknown programme year: {exc}", cell, "year")
            return None
