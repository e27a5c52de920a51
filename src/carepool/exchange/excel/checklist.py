"""The Checklist sheet: every validation rule group, with a live status where Excel can tell.

Rows follow ``carepool.plans.validate.ALL_RULES``, so a rule added there without a line
here fails a test. Rules that need the derived figures or several sheets at once say that
``carepool plan validate`` checks them instead of pretending to a formula.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from carepool.exchange.excel import styles
from carepool.exchange.excel.layout import (
    AMBITION,
    AMBITION_CELLS,
    BASELINE_ROW,
    CAPACITY,
    CAPACITY_TABLE,
    CHECKLIST,
    CONDITIONS,
    CONDITIONS_TABLE,
    FUNDING,
    FUNDING_TABLE,
    HEADER_ROW,
    METRICS,
    METRICS_TABLE,
    PARTNERS,
    POOLS,
    POOLS_TABLE,
    QUARTER_COLUMNS,
    REDUCTION_ROW,
    SCHEMES,
    SIGNOFF,
    SIGNOFF_TABLE,
    YEAR_COLUMN,
    schemes_table,
)
from carepool.exchange.excel.write_ambition import EXPECTED_CELL
from carepool.exchange.excel.write_tables import Sheet
from carepool.plans.validate import ALL_RULES
from carepool.programme.model import ProgrammeYear

ON_VALIDATE = "checked by carepool plan validate"
Ranges = dict[str, Sheet]
Status = Callable[[Ranges, ProgrammeYear], str]


def _ok(condition: str, bad: str = "Check") -> str:
    return f'=IF({condition},"OK","{bad}")'


def _col(ranges: Ranges, sheet: str, letter: str) -> str:
    return f"{sheet}!{ranges[sheet].range(letter)}"


def _funding_checks(ranges: Ranges, _: ProgrammeYear) -> str:
    check = f"{FUNDING}!{ranges[FUNDING].range(get_column_letter(FUNDING_TABLE.width + 2))}"
    return _ok(f'COUNTIF({check},"Below minimum")=0', "Below minimum")


def _amounts(ranges: Ranges, year: ProgrammeYear) -> str:
    cols = (_col(ranges, FUNDING, FUNDING_TABLE.letter("amount")),
            _col(ranges, SCHEMES, schemes_table(year).letter("amount")))
    limits = " + ".join(f'COUNTIF({c},"<{year.amount_min.decimal}")+COUNTIF({c},">{year.amount_max.decimal}")'
                        for c in cols)
    return _ok(f"{limits}=0", "Out of range")


def _pools(ranges: Ranges, _: ProgrammeYear) -> str:
    ids, host, manager = (_col(ranges, POOLS, POOLS_TABLE.letter(k)) for k in ("id", "host", "manager"))
    return (f'=IF(COUNTA({ids})=0,"No pool",IF(COUNTIFS({ids},"<>",{host},"")+COUNTIFS({ids},"<>",{manager},"")=0,'
            f'"OK","Incomplete"))')


def _schemes_complete(ranges: Ranges, year: ProgrammeYear) -> str:
    name = _col(ranges, SCHEMES, schemes_table(year).letter("name"))
    blanks = " + ".join(f'COUNTIFS({name},"<>",{_col(ranges, SCHEMES, schemes_table(year).letter(k))},"")'
                        for k in ("ref", "scheme_type", "area_of_spend", "commissioner", "provider", "source",
                                  "pool", "amount", "new"))
    return _ok(f"{blanks}=0", "Incomplete")


def _schemes_sum(ranges: Ranges, year: ProgrammeYear) -> str:
    spend = _col(ranges, SCHEMES, schemes_table(year).letter("amount"))
    income = _col(ranges, FUNDING, FUNDING_TABLE.letter("amount"))
    return _ok(f"ROUND(SUM({spend})-SUM({income}),2)=0", "Does not add up")


def _ambition(_: Ranges, year: ProgrammeYear) -> str:
    q = QUARTER_COLUMNS[:len(year.performance.quarter_shares)]

    def adds_up(row: int) -> str:
        return f"SUM(Ambition!{q[0]}{row}:{q[-1]}{row})=Ambition!{YEAR_COLUMN}{row}"

    return _ok(f"AND({adds_up(BASELINE_ROW)},{adds_up(REDUCTION_ROW)})", "Quarters do not add up")


def _performance(_: Ranges, __: ProgrammeYear) -> str:
    return _ok(f"ROUND(Ambition!{AMBITION_CELLS[0].cell}-Ambition!{EXPECTED_CELL},2)=0", "Does not match")


def _metrics(ranges: Ranges, _: ProgrammeYear) -> str:
    return _ok(f"COUNTBLANK({_col(ranges, 'Metrics', METRICS_TABLE.letter('baseline'))})"
               f"+COUNTBLANK({_col(ranges, 'Metrics', METRICS_TABLE.letter('planned_0'))})=0", "Incomplete")


def _conditions(ranges: Ranges, _: ProgrammeYear) -> str:
    cols = (CONDITIONS_TABLE.letter("confirmed"), CONDITIONS_TABLE.letter("narrative"))
    return _ok("+".join(f"COUNTBLANK({_col(ranges, 'Conditions', c)})" for c in cols) + "=0", "Incomplete")


def _signoffs(ranges: Ranges, _: ProgrammeYear) -> str:
    names = _col(ranges, SIGNOFF, SIGNOFF_TABLE.letter("name"))
    return _ok(f"COUNTA({names})>=COUNTA({_col(ranges, PARTNERS, 'A')})", "Awaiting sign-off")


def _partners(ranges: Ranges, _: ProgrammeYear) -> str:
    kinds = _col(ranges, PARTNERS, "C")
    return _ok(f'AND(COUNTIF({kinds},"Local authority")>=1,COUNTIF({kinds},"Health and Wellbeing Board")>=1)',
               "Incomplete")


def _static(_: Ranges, __: ProgrammeYear) -> str:
    return ON_VALIDATE


def _capacity(ranges: Ranges, year: ProgrammeYear) -> str:
    """Where the year asks: every plan year has a service with its demand and capacity."""
    if not year.capacity_and_demand or CAPACITY not in ranges:
        return ON_VALIDATE
    years, demand, capacity = (_col(ranges, CAPACITY, CAPACITY_TABLE.letter(k))
                               for k in ("plan_year", "demand", "capacity"))
    each = ",".join(f'COUNTIFS({years},"{label}",{demand},"<>",{capacity},"<>")>0' for label in year.plan_years)
    return _ok(f"AND({each})", "Incomplete")


# rule function name -> (group, what is checked, live status)
RULE_ROWS: dict[str, tuple[str, str, Status]] = {
    "area_and_year": ("Structure", "The area code is an HWB area and the plan is for this programme year", _static),
    "partners": ("Structure", "The local authority, every CCG serving the area and the HWB are partners", _partners),
    "pools": ("Structure", "Each Section 75 pool has an id, a name, a host partner and a pool manager", _pools),
    "funding_lines": ("Funding", "Each funding line names a partner, a stream of the year and a pool; amounts "
                      "within the year's limits", _amounts),
    "ccg_minimums": ("Funding", "Each CCG pays at least its minimum contribution per stream (derived, not "
                     "published: advice, a warning)", _funding_checks),
    "grants_pooled": ("Funding", "Capital grants paid to the local authority are pooled in full (derived, not "
                      "published: advice, a warning)", _funding_checks),
    "published_minimums": ("Funding", "Each partner pays at least its published allocation, where one is "
                           "published (enforced)", _static),
    "scheme_fields": ("Schemes", "Every scheme row is complete, uses the drop-down lists, and is not a duplicate",
                      _schemes_complete),
    "schemes_add_up": ("Schemes", "Schemes add up to each pool's income, stream by stream", _schemes_sum),
    "ring_fences": ("Schemes", "Ring-fenced minimums are spent on qualifying schemes (derived: advice)", _static),
    "ambition": ("Ambition", "Baseline and planned reductions by quarter add up to the year", _ambition),
    "performance_sum_rule": ("Ambition", "Performance sum = admissions avoided x cost per admission, capped at the "
                             "area's share (derived)", _performance),
    "out_of_hospital": ("Ambition", "The performance element not at risk is spent on NHS out-of-hospital services",
                        _static),
    "metrics": ("Metrics and conditions", "Every metric has a baseline and a plan for each period", _metrics),
    "conditions": ("Metrics and conditions", "Every national condition is answered, with a narrative", _conditions),
    "signoffs": ("Sign-off", "Each partner and the HWB have signed off (needed for submission)", _signoffs),
    "capacity_and_demand": ("Capacity", "Intermediate-care capacity and demand for each plan year, where the "
                            "year asks for it", _capacity),
    "named_signatories": ("Sign-off", "The year's named signatories have signed (2025-26: chief executives and "
                          "the s151 officer; not delegable)", _static),
}


def rule_names() -> list[str]:
    return [rule.__name__ for rule in ALL_RULES]


# the sheets a person completes, and the rule rows whose live status says the sheet is complete
SHEET_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (PARTNERS, ("partners",)), (POOLS, ("pools",)), (FUNDING, ("funding_lines", "ccg_minimums")),
    (SCHEMES, ("scheme_fields", "schemes_add_up")), (METRICS, ("metrics",)), (AMBITION, ("ambition",)),
    (CAPACITY, ("capacity_and_demand",)), (CONDITIONS, ("conditions",)), (SIGNOFF, ("signoffs",)),
)
COMPLETE, INCOMPLETE = "Complete Template", "Incomplete Template"


def write_checklist(ws: Worksheet, ranges: Ranges, year: ProgrammeYear) -> str:
    """The rules with live statuses, then each sheet's completion (Yes/No) and the template's
    status, as the official templates' checklists show them; returns the status cell's reference."""
    styles.title(ws, "Checklist", "Live status of each rule group; the full check is carepool plan validate.")
    rows: dict[str, int] = {}
    for i, text in enumerate(("Group", "Rule", "What is checked", "Status"), 1):
        styles.header(ws.cell(HEADER_ROW, i), text)
    r = HEADER_ROW + 1
    for name in rule_names():
        group, text, status = RULE_ROWS.get(name, ("Other", name.replace("_", " "), _static))
        ws.cell(r, 1, group)
        ws.cell(r, 2, name)
        ws.cell(r, 3, text).alignment = Alignment(wrap_text=True)
        formula = status(ranges, year)
        if formula.startswith("="):
            styles.check(ws.cell(r, 4), formula)
        else:
            ws.cell(r, 4, formula)
        rows[name] = r
        r += 1
    for col, width in zip("ABCD", (22, 22, 80, 30), strict=True):
        ws.column_dimensions[col].width = width
    return _sheet_completion(ws, r + 1, rows, year)


def _sheet_completion(ws: Worksheet, r: int, rows: dict[str, int], year: ProgrammeYear) -> str:
    """'Sheet completed' per sheet (Yes when every live status of its rules reads OK) and the
    template's status (complete when every sheet is). Sheets whose rules are all checked by
    carepool plan validate are left out rather than shown as complete."""
    for i, text in enumerate(("Sheet", "Sheet completed?", "What makes it complete"), 1):
        styles.header(ws.cell(r, i), text)
    first = r + 1
    r = first
    for sheet, names in SHEET_RULES:
        live = [n for n in names if n in rows and ws.cell(rows[n], 4).data_type == "f"]
        if not live or (sheet == CAPACITY and not year.capacity_and_demand):
            continue
        ws.cell(r, 1, sheet).hyperlink = f"#'{sheet}'!A1"
        ok = ",".join(f'D{rows[n]}="OK"' for n in live)
        styles.check(ws.cell(r, 2), f'=IF(AND({ok}),"Yes","No")')
        ws.cell(r, 3, "Every rule of the sheet reads OK above: " + ", ".join(live))
        r += 1
    status = f"B{r + 1}"
    ws.cell(r + 1, 1, "Template status").font = Font(bold=True)
    styles.check(ws[status], f'=IF(COUNTIF(B{first}:B{r - 1},"No")=0,"{COMPLETE}","{INCOMPLETE}")')
    return f"{CHECKLIST}!{status}"
