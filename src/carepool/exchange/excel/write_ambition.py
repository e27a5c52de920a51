"""Write the Ambition sheet: baseline and planned admissions by quarter, the performance sum.

The expected performance sum is a live formula (reduction x cost per admission, capped at
the area's derived share) beside the cell the area fills, so a mismatch shows at once.
"""

from __future__ import annotations

from dataclasses import replace

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel import styles
from carepool.exchange.excel.layout import (
    AMBITION_CELLS,
    AMBITION_HEADER_ROW,
    AMBITION_INFO_ROW,
    BASELINE_ROW,
    QUARTER_COLUMNS,
    REDUCTION_ROW,
    YEAR_COLUMN,
)
from carepool.plans.model import NO_AMBITION, Plan
from carepool.programme.minimums import AreaMinimums
from carepool.programme.model import ProgrammeYear

EXPECTED_CELL = f"B{AMBITION_INFO_ROW + 3}"
AMBITION_PCT_CELL = f"B{AMBITION_INFO_ROW + 4}"


def write_ambition(ws: Worksheet, *, year: ProgrammeYear, minimums: AreaMinimums, plan: Plan | None) -> None:
    perf = year.performance
    if perf.scheme == "none":   # later years set metric goals instead: the block is kept, at zero
        plan = replace(plan, ambition=NO_AMBITION) if plan is not None else None
        styles.title(ws, f"Not used in {year.name}", "Metric goals (Metrics sheet) replace the ambition block "
                     "of 2015-16 and 2016-17; leave these cells at zero.")
    else:
        styles.title(ws, "Emergency admissions ambition and performance sum",
                     f"Quarters compare with the same quarter of the baseline year {perf.baseline_year}.")
    styles.header(ws[f"A{AMBITION_HEADER_ROW}"], "Non-elective admissions")
    for col, label in zip(QUARTER_COLUMNS, year.quarters, strict=False):
        styles.header(ws[f"{col}{AMBITION_HEADER_ROW}"], label)
    styles.header(ws[f"{YEAR_COLUMN}{AMBITION_HEADER_ROW}"], "Whole year")
    a = plan.ambition if plan else (NO_AMBITION if perf.scheme == "none" else None)
    rows = (
        (BASELINE_ROW, f"Baseline ({perf.baseline_year})", a.baseline_quarters if a else (),
         a.baseline_admissions if a else None),
        (REDUCTION_ROW, "Planned reduction (admissions avoided)", a.planned_quarters if a else (),
         a.planned_reduction if a else None),
    )
    quarters = len(perf.quarter_shares)
    for row, label, by_quarter, whole in rows:
        ws[f"A{row}"] = label
        for i, col in enumerate(QUARTER_COLUMNS[:quarters]):
            styles.entry(ws[f"{col}{row}"], by_quarter[i] if i < len(by_quarter) else None, "int")
        styles.entry(ws[f"{YEAR_COLUMN}{row}"], whole, "int")
    values = {
        "ambition.performance_sum": a.performance_sum if a else None,
        "ambition.delayed_days_baseline": a.delayed_days_baseline if a else None,
        "ambition.delayed_days_reduction": a.delayed_days_reduction if a else None,
    }
    for spec in AMBITION_CELLS:
        ws[f"A{spec.cell[1:]}"] = spec.label
        styles.entry(ws[spec.cell], values[spec.field], spec.kind)
    _info(ws, year, minimums)
    ws.column_dimensions["A"].width = 58
    for col in (*QUARTER_COLUMNS, YEAR_COLUMN):
        ws.column_dimensions[col].width = 16


def _info(ws: Worksheet, year: ProgrammeYear, minimums: AreaMinimums) -> None:
    perf = year.performance
    r = AMBITION_INFO_ROW
    ws[f"A{r}"] = "Fixed figures"
    ws[f"A{r}"].font = Font(bold=True)
    ws[f"A{r + 1}"] = "Average cost per non-elective admission ((guidance) programme rule)"
    styles.fixed(ws[f"B{r + 1}"], perf.cost_per_admission, "money")
    ws[f"A{r + 2}"] = "Area's share of the national performance element (derived)"
    styles.fixed(ws[f"B{r + 2}"], minimums.performance_element, "money")
    ws[f"A{r + 3}"] = "Expected performance sum (check)"
    red, cost, share = f"{YEAR_COLUMN}{REDUCTION_ROW}", f"B{r + 1}", f"B{r + 2}"
    if perf.scheme == "payment_for_performance":
        formula = f"=MIN(MAX({red},0)*{cost},{share})" if perf.cap_at_area_share else f"=MAX({red},0)*{cost}"
    else:
        formula = "=0"
    styles.check(ws[EXPECTED_CELL], formula, "money")
    ws[f"A{r + 4}"] = "Ambition (% of baseline admissions)"
    base = f"{YEAR_COLUMN}{BASELINE_ROW}"
    styles.check(ws[AMBITION_PCT_CELL], f'=IF(N({base})>0,ROUND({red}*100/{base},2),"")')
    ws[f"A{r + 5}"] = "Default ambition (%) (guidance)"
    styles.fixed(ws[f"B{r + 5}"], perf.default_ambition_pct)
    ws[f"A{r + 6}"] = "Scheme for the performance element this year"
    styles.fixed(ws[f"B{r + 6}"], perf.scheme.replace("_", " "))
