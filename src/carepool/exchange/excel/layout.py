"""The planning workbook's layout: sheet names, tables, columns and fixed cells.

The writer and the reader share this one description, so a column moved here moves in
both. Tables have their headers on row 3 and data from row 4; the reader finds columns by
header text, so a column a user inserts does not shift what is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from carepool.programme.model import ProgrammeYear

TEMPLATE_ID = "carepool BCF planning workbook v1"
HEADER_ROW = 3
FIRST_ROW = 4
MAX_ROWS = 2000          # rows read per table; more than this is refused, not ground through
MAX_SHEET_ROWS = FIRST_ROW + MAX_ROWS + 1_000   # no sheet may use a row past this (checked before parsing)
MAX_SHEET_COLUMNS = 50                          # nor a column past AX
QUARTERS = 4

GUIDANCE = "Guidance"
COVER = "Cover"
PARTNERS = "Partners"
POOLS = "Pools"
FUNDING = "Funding"
SCHEMES = "Schemes"
METRICS = "Metrics"
AMBITION = "Ambition"
CONDITIONS = "Conditions"
SIGNOFF = "SignOff"
CAPACITY = "Capacity"
MINIMUMS = "Minimums"
CHECKLIST = "Checklist"
LISTS = "Lists"

SHEETS = (COVER, PARTNERS, POOLS, FUNDING, SCHEMES, METRICS, AMBITION, CAPACITY, CONDITIONS, SIGNOFF,
          MINIMUMS, CHECKLIST, LISTS)
REQUIRED_SHEETS = (COVER, PARTNERS, POOLS, FUNDING, SCHEMES, METRICS, AMBITION, CONDITIONS, SIGNOFF)

PARTNER_KINDS = {"la": "Local authority", "ccg": "CCG", "hwb": "Health and Wellbeing Board", "icb": "ICB",
                 "district": "District council"}
YES, NO = "Yes", "No"
NEW, EXISTING = "New", "Existing"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: the model attribute it holds and how its cells are read."""

    key: str
    header: str
    kind: str                 # code, text, money, int, decimal, yesno, newexisting, kind, date
    width: int = 18
    required: bool = False    # blank is a reading error (the model cannot hold a blank)
    entry: bool = True        # an input cell (yellow, unlocked); else fixed (blue, locked)
    choices: str | None = None  # name of the drop-down list feeding the column
    read: bool = True         # False: shown for the reader's benefit only (titles, names)
    optional: bool = False    # a workbook written before the column existed may lack it


@dataclass(frozen=True, slots=True)
class Table:
    sheet: str
    field: str                # the plan's field path for the whole table ("schemes")
    title: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def letter(self, key: str) -> str:
        """Column letter where the writer puts ``key``."""
        keys = [c.key for c in self.columns]
        return str(get_column_letter(keys.index(key) + 1))

    @property
    def width(self) -> int:
        return len(self.columns)


PARTNERS_TABLE = Table(PARTNERS, "partners", "Partners to the plan (fixed for the area)", (
    Column("code", "Code", "code", 14, required=True, entry=False),
    Column("name", "Name", "text", 60, required=True, entry=False),
    Column("kind", "Kind", "kind", 28, required=True, entry=False, choices="kinds"),
))
POOLS_TABLE = Table(POOLS, "pools", "Section 75 pooled funds", (
    Column("id", "Pool id", "code", 10, required=True),
    Column("name", "Pool name", "text", 48),
    Column("host", "Host (partner code)", "code", 20, choices="partners"),
    Column("manager", "Pool manager", "text", 36),
    Column("model", "Commissioning model", "code", 40, required=True, choices="models"),
    Column("governance", "Governance", "code", 34, required=True, choices="governance"),
))
FUNDING_TABLE = Table(FUNDING, "funding", "Funding sources by contributor and stream", (
    Column("contributor", "Contributor (partner code)", "code", 26, choices="partners"),
    Column("stream", "Funding stream", "code", 26, choices="streams"),
    Column("pool", "Pool", "code", 10, choices="pools"),
    Column("amount", "Amount (£)", "money", 18, required=True),
    Column("plan_year", "Plan year (two-year plans)", "code", 16, choices="plan_years", optional=True),
))
SCHEMES_TABLE = Table(SCHEMES, "schemes", "Schemes: one row per scheme", (
    Column("ref", "Scheme ref", "code", 11),
    Column("name", "Scheme name", "text", 44),
    Column("scheme_type", "Scheme type", "code", 34, choices="scheme_types"),
    Column("area_of_spend", "Area of spend", "code", 20, choices="areas_of_spend"),
    Column("commissioner", "Commissioner", "code", 18, choices="commissioners"),
    Column("provider", "Provider", "text", 34),
    Column("source", "Source of funding", "code", 24, choices="streams"),
    Column("pool", "Pool", "code", 8, choices="pools"),
    Column("amount", "Planned amount (£)", "money", 18, required=True),
    Column("new", "New or existing", "newexisting", 16, required=True, choices="newexisting"),
))
METRICS_TABLE = Table(METRICS, "metrics", "Metrics: baselines and plans", (
    Column("code", "Code", "code", 8, required=True, entry=False),
    Column("metric", "Metric", "text", 60, entry=False, read=False),
    Column("frequency", "Frequency", "text", 11, entry=False, read=False),
    Column("local_name", "Local metric name (BCF6 only)", "text", 30),
    Column("baseline_period", "Baseline period", "text", 14),
    Column("baseline", "Baseline", "decimal", 12),
    Column("planned_0", "Plan Q1 or annual", "decimal", 12),
    Column("planned_1", "Plan Q2", "decimal", 12),
    Column("planned_2", "Plan Q3", "decimal", 12),
    Column("planned_3", "Plan Q4", "decimal", 12),
))
CONDITIONS_TABLE = Table(CONDITIONS, "conditions", "National conditions", (
    Column("id", "Condition", "code", 11, required=True, entry=False),
    Column("title", "National condition", "text", 60, entry=False, read=False),
    Column("confirmed", "Met? (Yes/No)", "yesno", 14, choices="yesno"),
    Column("narrative", "How it is met, or why not yet and by when", "text", 80),
))
SIGNOFF_TABLE = Table(SIGNOFF, "signoffs", "Sign-offs: one row per partner", (
    Column("partner", "Partner code", "code", 20, required=True, choices="partners"),
    Column("name", "Signed by", "text", 36, required=True),
    Column("role", "Role", "text", 30),
    Column("on", "Date signed (DD/MM/YYYY)", "date", 24, required=True),
))
# only where the year asks for capacity and demand plans; read when the sheet has rows
CAPACITY_TABLE = Table(CAPACITY, "capacity", "Intermediate care: capacity and demand (people)", (
    Column("service", "Service", "text", 40, required=True),
    Column("plan_year", "Plan year", "code", 14, required=True, choices="plan_years"),
    Column("demand", "Expected demand", "int", 18, required=True),
    Column("capacity", "Planned capacity", "int", 18, required=True),
))
TABLES = (PARTNERS_TABLE, POOLS_TABLE, FUNDING_TABLE, SCHEMES_TABLE, METRICS_TABLE, CONDITIONS_TABLE,
          SIGNOFF_TABLE)


def schemes_table(year: ProgrammeYear) -> Table:
    """The year's Schemes table: two-year plans plan each scheme's spend per plan year (one
    column a year) and the whole-period amount is a live sum beside them."""
    if len(year.plan_years) <= 1:
        return SCHEMES_TABLE
    columns = list(SCHEMES_TABLE.columns)
    at = [c.key for c in columns].index("amount")
    per_year = [Column(f"amounts_{j}", f"Planned amount {label} (£)", "money", 18)
                for j, label in enumerate(year.plan_years)]
    whole = Column("amount", "Planned amount, whole plan (£)", "money", 18, entry=False, read=False)
    columns[at:at + 1] = [*per_year, whole]
    return Table(SCHEMES, "schemes", "Schemes: one row per scheme, with its planned spend in each plan year",
                 tuple(columns))


def metrics_table(year: ProgrammeYear) -> Table:
    """The year's Metrics table: a two-year plan without quarterly metrics sets one goal a plan year."""
    if len(year.plan_years) <= 1 or any(m.frequency == "quarterly" for m in year.metrics):
        return METRICS_TABLE
    columns = [c for c in METRICS_TABLE.columns if not c.key.startswith("planned_")]
    columns += [Column(f"planned_{j}", f"Goal {label}", "decimal", 12) for j, label in enumerate(year.plan_years)]
    return Table(METRICS, "metrics", "Metrics: baselines and a goal for each plan year", tuple(columns))


def sheets_for(year: ProgrammeYear) -> tuple[str, ...]:
    """The year's sheets in order: years whose file describes their official template open on a
    Guidance sheet, as the official templates do; 2015-16 and 2016-17 keep their original layout."""
    return (GUIDANCE, *SHEETS) if year.template.declared else SHEETS


def tables_for(year: ProgrammeYear | None) -> tuple[Table, ...]:
    """The tables of a year's workbook (the 2015-16 layout when the year is not known)."""
    if year is None:
        return TABLES
    by_sheet = {SCHEMES: schemes_table(year), METRICS: metrics_table(year)}
    return tuple(by_sheet.get(t.sheet, t) for t in TABLES)


def planned_columns(table: Table) -> int:
    return sum(1 for c in table.columns if c.key.startswith("planned_"))


@dataclass(frozen=True, slots=True)
class FixedCell:
    """A single labelled cell on the Cover or Ambition sheet."""

    field: str                # the plan's field path
    label: str
    cell: str
    kind: str
    entry: bool = True


# Cover: labels in column A, values in column B
COVER_CELLS = (
    FixedCell("template", "Template", "B2", "text", entry=False),
    FixedCell("area_code", "Area code", "B4", "code", entry=False),
    FixedCell("area_name", "Area", "B5", "text", entry=False),
    FixedCell("year", "Programme year", "B6", "code", entry=False),
    FixedCell("year_name", "Programme", "B7", "text", entry=False),
    FixedCell("illustrative", "Illustrative figures (Yes/No)", "B8", "yesno"),
    FixedCell("narrative", "Plan narrative", "B9", "text"),
)
NOTES_HEADER_ROW = 20
NOTES_FIRST_ROW = 21
NOTES_ROWS = 10
MAX_NOTES = 200          # notes read from the Cover; more is refused, not ground through

# Ambition: quarters in columns B..E, the year in F
AMBITION_HEADER_ROW = 3
BASELINE_ROW = 4
REDUCTION_ROW = 5
QUARTER_COLUMNS = ("B", "C", "D", "E")
YEAR_COLUMN = "F"
AMBITION_CELLS = (
    FixedCell("ambition.performance_sum", "Performance sum held at risk (£)", "B7", "money"),
    FixedCell("ambition.delayed_days_baseline", "Delayed transfer days, baseline year", "B8", "int"),
    FixedCell("ambition.delayed_days_reduction", "Delayed transfer days, planned reduction", "B9", "int"),
)
# fixed figures below the inputs (blue, locked); the expected sum is a live formula
AMBITION_INFO_ROW = 11


def cover_cell(field: str) -> FixedCell:
    return next(c for c in COVER_CELLS if c.field == field)
