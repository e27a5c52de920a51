"""The Guidance sheet: what each sheet holds, the cell colours, and how far the workbook follows
the year's official planning template (from the year file's ``template`` section, with sources).

The official templates open on a guidance sheet that explains their colours and sheets (the
2016-17 and 2019/20 templates did); carepool's does the same, and says plainly where the
official layout is not published in its sources rather than imitating a layout it has not seen.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel import styles
from carepool.exchange.excel.layout import (
    AMBITION,
    CAPACITY,
    CHECKLIST,
    CONDITIONS,
    COVER,
    FUNDING,
    LISTS,
    METRICS,
    MINIMUMS,
    PARTNERS,
    POOLS,
    SCHEMES,
    SIGNOFF,
)
from carepool.programme.model import UNPUBLISHED, ProgrammeYear

GREY_PREFILLED = "D0CECE"     # the 2019/20 template's pre-populated cells were grey (its guidance says so)
FILL_HEX = {"yellow": styles.ENTRY_COLOUR, "blue": styles.FIXED_COLOUR, "grey": GREY_PREFILLED}

SHEET_PURPOSE = {
    COVER: "The area, the programme year, the narrative and notes; the template's completion status.",
    PARTNERS: "The council, each NHS partner serving the area (CCGs or ICBs, as the year has) and the board.",
    POOLS: "Each Section 75 pooled fund, its host, manager and governance; live income and spend.",
    FUNDING: "Contributions by partner, funding stream and pool (two-year plans: one line per plan year).",
    SCHEMES: "Expenditure: one row per scheme (two-year plans: a planned spend for each plan year).",
    METRICS: "The year's metrics: baselines and goals (two-year plans: a goal for each plan year).",
    AMBITION: "The 2015-16 and 2016-17 emergency-admissions ambition; zero in years without it.",
    CAPACITY: "Intermediate care capacity and demand, per service and plan year, where the year asks for it.",
    CONDITIONS: "The year's national conditions: met or not, and how.",
    SIGNOFF: "Who signed, in what role and when (2025-26: chief executives and the s151 officer).",
    MINIMUMS: "Derived minimum contributions (not published figures), looked up by the Funding checks.",
    CHECKLIST: "Every validation rule with a live status, and whether each sheet is complete.",
    LISTS: "The drop-down lists (hidden).",
}


def prefilled_colour(year: ProgrammeYear) -> str:
    """The fill of pre-populated cells: the year's published colour, else carepool's blue."""
    return FILL_HEX.get(year.template.prefilled_fill, styles.FIXED_COLOUR)


def recolour_prefilled(sheets: list[Worksheet], year: ProgrammeYear) -> None:
    """Years whose guidance published another colour for pre-populated cells get that colour."""
    colour = prefilled_colour(year)
    if colour == styles.FIXED_COLOUR:
        return
    fill = PatternFill("solid", fgColor=colour)
    for ws in sheets:
        for row in ws.iter_rows():
            for cell in row:
                if str(cell.fill.fgColor.rgb).endswith(styles.FIXED_COLOUR):
                    cell.fill = fill


def _said(value: str, what: str) -> str:
    return f"{what}: not published in carepool's sources (carepool's own is used)" if value == UNPUBLISHED \
        else f"{what}: {value} (as the year's published guidance says)"


def write_guidance(ws: Worksheet, year: ProgrammeYear, sheets: tuple[str, ...]) -> None:
    t = year.template
    styles.title(ws, f"Guidance: {year.name} planning workbook (carepool)",
                 "Read this first. The Checklist sheet shows what is still to do.")
    r = 4
    ws.cell(r, 1, "The official template").font = Font(bold=True)
    r += 1
    lines = [
        "Sheet list and order of the official template: "
        + (", ".join(t.sheets) if t.layout != UNPUBLISHED else
           "not published in carepool's sources, so this workbook keeps carepool's own sheets (below)."),
        _said(t.input_fill, "Colour of input cells"),
        _said(t.prefilled_fill, "Colour of pre-populated cells"),
        _said(t.checklist, "Where the checklist sits"),
    ]
    if t.parts:
        lines.append("A submission has: " + "; ".join(t.parts) + ". This workbook holds the planning template's "
                     "figures and the capacity and demand plan; the narrative goes in the Cover's narrative cell.")
    if len(year.plan_years) > 1:
        lines.append(f"Two-year plan ({', '.join(year.plan_years)}): schemes and metric goals have a column per "
                     "plan year; funding lines name their plan year.")
    if t.note:
        lines.append(f"Note: {t.note}.")
    if t.source:
        lines.append(f"What this rests on: {t.source}.")
    cited = {s.key: s for s in year.sources}
    for key in sorted(k for k in cited if k in t.source):
        s = cited[key]
        lines.append(f"  {key}: {s.title}" + (f" <{s.url}>" if s.url else ""))
    for line in lines:
        ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        r += 1

    r += 1
    ws.cell(r, 1, "Cell colours").font = Font(bold=True)
    r += 1
    colours = (("Input: yours to fill in (unlocked)", styles.ENTRY_COLOUR),
           ("Pre-populated: fixed for the area and year (locked)", prefilled_colour(year)),
           ("Live check: a formula (locked)", styles.CHECK_COLOUR),
           ("Not used for this row (locked)", styles.NA_COLOUR))
    for text, colour in colours:
        ws.cell(r, 1).fill = PatternFill("solid", fgColor=colour)
        ws.cell(r, 2, text)
        r += 1

    r += 1
    for i, text in enumerate(("Sheet", "What it holds"), 1):
        styles.header(ws.cell(r, i), text)
    r += 1
    for name in sheets:
        if name in SHEET_PURPOSE:
            ws.cell(r, 1, name)
            if name != LISTS:
                ws.cell(r, 1).hyperlink = f"#'{name}'!A1"
            ws.cell(r, 2, SHEET_PURPOSE[name]).alignment = Alignment(wrap_text=True)
            r += 1
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 20
