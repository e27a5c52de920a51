"""Write the workbook's tables (partners, pools, funding, schemes, metrics, conditions, sign-offs).

One generic table writer styles every cell from the shared layout, so what is yellow and
unlocked here is exactly what the reader reads; the functions below only choose the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel import styles
from carepool.exchange.excel.layout import (
    FIRST_ROW,
    FUNDING_TABLE,
    HEADER_ROW,
    METRICS_TABLE,
    PARTNER_KINDS,
    POOLS_TABLE,
    QUARTERS,
    SCHEMES_TABLE,
    Table,
)
from carepool.plans.model import Partner, Plan, area_partners
from carepool.programme.minimums import AreaMinimums
from carepool.programme.model import ProgrammeYear

Row = Mapping[str, Any]


@dataclass
class Sheet:
    """What the other sheets need to know about a written table: its rows."""

    first: int
    last: int

    def range(self, column: str) -> str:
        return f"${column}${self.first}:${column}${self.last}"


@dataclass
class Written:
    tables: dict[str, Sheet] = field(default_factory=dict)


def write_table(
    ws: Worksheet, table: Table, rows: Sequence[Row], size: int, choices: Mapping[str, str], note: str = "",
) -> Sheet:
    """Headers on row 3, ``size`` formatted rows from row 4, drop-downs on chosen columns."""
    styles.title(ws, table.title, note)
    for i, col in enumerate(table.columns, 1):
        styles.header(ws.cell(HEADER_ROW, i), col.header)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    last = FIRST_ROW + max(size, len(rows), 1) - 1
    for r in range(FIRST_ROW, last + 1):
        values = rows[r - FIRST_ROW] if r - FIRST_ROW < len(rows) else {}
        for i, col in enumerate(table.columns, 1):
            write = styles.entry if col.entry else styles.fixed
            write(ws.cell(r, i), values.get(col.key), col.kind)
    for col in table.columns:
        if col.entry and col.choices is not None and col.choices in choices:
            dv = DataValidation(type="list", formula1=choices[col.choices], allow_blank=True,
                                showErrorMessage=True, errorTitle="Choose from the list",
                                error=f"{col.header}: choose a value from the drop-down list")
            dv.add(f"{table.letter(col.key)}{FIRST_ROW}:{table.letter(col.key)}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = f"A{FIRST_ROW}"
    return Sheet(FIRST_ROW, last)


def template_partners(area_code: str, area_name: str, minimums: AreaMinimums,
                      ccg_names: Mapping[str, str], nhs_kind: str = "ccg") -> tuple[Partner, ...]:
    """The partners an area's plan must name: its council, every CCG (or ICB) serving it, the board."""
    return area_partners(area_code, area_name, [(c, ccg_names[c]) for c in sorted(ccg_names)], nhs_kind)


def partner_rows(partners: Sequence[Partner]) -> list[Row]:
    return [{"code": p.code, "name": p.name, "kind": PARTNER_KINDS.get(p.kind, p.kind)} for p in partners]


def pool_rows(plan: Plan | None) -> list[Row]:
    if plan is None:
        return [{"id": "P1"}]
    return [{"id": p.id, "name": p.name, "host": p.host, "manager": p.manager, "model": p.model,
             "governance": p.governance} for p in plan.pools]


def funding_rows(plan: Plan | None, minimums: AreaMinimums, area_code: str,
                 plan_years: Sequence[str] = ("",)) -> list[Row]:
    """A plan's lines; for the template, one line per minimum contribution (and plan year) to fill in."""
    if plan is not None:
        return [{"contributor": f.contributor, "stream": f.stream, "pool": f.pool, "amount": f.amount,
                 "plan_year": f.plan_year or None} for f in plan.funding]
    years = list(plan_years) if len(plan_years) > 1 else [None]
    rows: list[Row] = [{"contributor": ccg, "stream": stream, "plan_year": y} for y in years
                       for ccg in sorted(minimums.by_ccg) for stream in sorted(minimums.by_ccg[ccg])]
    rows += [{"contributor": area_code, "stream": stream, "plan_year": y} for y in years
             for stream in sorted(minimums.by_la)]
    return rows


def capacity_rows(plan: Plan | None, year: ProgrammeYear) -> list[Row]:
    if plan is not None:
        return [{"service": c.service, "plan_year": c.plan_year, "demand": c.demand, "capacity": c.capacity}
                for c in plan.capacity]
    return [{"plan_year": y} for y in year.plan_years] if year.capacity_and_demand else []


def scheme_rows(plan: Plan | None, plan_years: Sequence[str] = ()) -> list[Row]:
    if plan is None:
        return []
    per_year = len(plan_years) > 1
    return [{"ref": s.ref, "name": s.name, "scheme_type": s.scheme_type, "area_of_spend": s.area_of_spend,
             "commissioner": s.commissioner, "provider": s.provider, "source": s.source, "pool": s.pool,
             "amount": None if per_year else s.amount, "new": "New" if s.new else "Existing",
             **({f"amounts_{j}": s.amount_for(label) for j, label in enumerate(plan_years)} if per_year else {})}
            for s in plan.schemes]


def scheme_year_sums(ws: Worksheet, sheet: Sheet, table: Table, plan_years: Sequence[str]) -> None:
    """Two-year plans: each scheme's whole amount is a live sum of its plan years (green, locked)."""
    if len(plan_years) <= 1:
        return
    first, last = table.letter("amounts_0"), table.letter(f"amounts_{len(plan_years) - 1}")
    for r in range(sheet.first, sheet.last + 1):
        styles.check(ws[f"{table.letter('amount')}{r}"], f'=IF(A{r}="","",SUM({first}{r}:{last}{r}))', "money")


def metric_rows(plan: Plan | None, year: ProgrammeYear) -> list[Row]:
    names = {m.code: m for m in year.metrics}
    if plan is None:
        return [{"code": m.code, "metric": m.name, "frequency": m.frequency} for m in year.metrics]
    rows: list[Row] = []
    for m in plan.metrics:
        spec = names.get(m.code)
        row: dict[str, Any] = {
            "code": m.code, "metric": spec.name if spec else "", "frequency": spec.frequency if spec else "",
            "local_name": m.local_name, "baseline_period": m.baseline_period, "baseline": m.baseline,
        }
        row.update({f"planned_{j}": v for j, v in enumerate(m.planned[:QUARTERS])})
        rows.append(row)
    return rows


def grey_unused_periods(ws: Worksheet, sheet: Sheet, rows: Sequence[Row], year: ProgrammeYear,
                        table: Table = METRICS_TABLE) -> None:
    """Annual metrics take one planned value: the other period cells are grey and locked."""
    if table is not METRICS_TABLE:     # one goal a plan year: every column is used
        return
    frequency = {m.code: m.frequency for m in year.metrics}
    for r, row in zip(range(sheet.first, sheet.last + 1), rows, strict=False):
        if frequency.get(str(row.get("code"))) == "annual" and not any(
                row.get(f"planned_{j}") is not None for j in range(1, QUARTERS)):
            for j in range(1, QUARTERS):
                styles.not_used(ws[f"{METRICS_TABLE.letter(f'planned_{j}')}{r}"])


def condition_rows(plan: Plan | None, year: ProgrammeYear) -> list[Row]:
    titles = {c.id: c.title for c in year.conditions}
    if plan is None:
        return [{"id": c.id, "title": c.title} for c in year.conditions]
    return [{"id": c.id, "title": titles.get(c.id, ""), "confirmed": c.confirmed, "narrative": c.narrative}
            for c in plan.conditions]


def signoff_rows(plan: Plan | None) -> list[Row]:
    if plan is None:
        return []
    return [{"partner": s.partner, "name": s.name, "role": s.role, "on": s.on} for s in plan.signoffs]


def funding_checks(ws: Worksheet, sheet: Sheet, minimums_rows: Sheet) -> None:
    """Live columns beside each funding line: the derived minimum and whether it is met."""
    col_min, col_check = get_column_letter(FUNDING_TABLE.width + 1), get_column_letter(FUNDING_TABLE.width + 2)
    styles.header(ws[f"{col_min}{HEADER_ROW}"], "Derived minimum for this contributor and stream (£, derived)")
    styles.header(ws[f"{col_check}{HEADER_ROW}"], "Minimum met?")
    ws.column_dimensions[col_min].width = 24
    ws.column_dimensions[col_check].width = 16
    a, b, d = (FUNDING_TABLE.letter(k) for k in ("contributor", "stream", "amount"))
    m = minimums_rows
    for r in range(sheet.first, sheet.last + 1):
        styles.check(ws[f"{col_min}{r}"], f'=IF(OR({a}{r}="",{b}{r}=""),"",SUMIFS(Minimums!{m.range("E")},'
                     f'Minimums!{m.range("A")},{a}{r},Minimums!{m.range("C")},{b}{r}))', "money")
        styles.check(ws[f"{col_check}{r}"], f'=IF({col_min}{r}="","",IF(SUMIFS({sheet.range(d)},'
                     f'{sheet.range(a)},{a}{r},{sheet.range(b)},{b}{r})>={col_min}{r},"OK","Below minimum"))')


def pool_checks(ws: Worksheet, pools: Sheet, funding: Sheet, schemes: Sheet, table: Table = SCHEMES_TABLE) -> None:
    """Live columns beside each pool: income, planned spend and the difference."""
    base = POOLS_TABLE.width
    heads = ("Income (£)", "Planned spend on schemes (£)", "Unallocated (£)")
    for i, text in enumerate(heads, 1):
        styles.header(ws.cell(HEADER_ROW, base + i), text)
        ws.column_dimensions[get_column_letter(base + i)].width = 20
    fa, fp = FUNDING_TABLE.letter("amount"), FUNDING_TABLE.letter("pool")
    sa, sp = table.letter("amount"), table.letter("pool")
    inc, spend, gap = (get_column_letter(base + i) for i in (1, 2, 3))
    for r in range(pools.first, pools.last + 1):
        styles.check(ws[f"{inc}{r}"], f'=IF(A{r}="","",SUMIFS(Funding!{funding.range(fa)},'
                     f'Funding!{funding.range(fp)},A{r}))', "money")
        styles.check(ws[f"{spend}{r}"], f'=IF(A{r}="","",SUMIFS(Schemes!{schemes.range(sa)},'
                     f'Schemes!{schemes.range(sp)},A{r}))', "money")
        styles.check(ws[f"{gap}{r}"], f'=IF(A{r}="","",{inc}{r}-{spend}{r})', "money")
