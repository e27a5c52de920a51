"""Person-level dataset schemas as data: columns, types and the rules every row must keep.

The loaders turn each rule into a check and each failed check into a quarantine reason, so
a schema here is the single statement of what a valid row is. Types are logical ("string",
"int", "date", "bool", "float"); ``arrow_schema`` maps them to pyarrow for Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

from carepool.errors import NotFound

ColumnType = Literal["string", "int", "date", "bool", "float"]

_ARROW: dict[str, pa.DataType] = {
    "string": pa.string(), "int": pa.int64(), "date": pa.date32(),
    "bool": pa.bool_(), "float": pa.float64(),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its type, whether it may be blank, and its allowed values or range."""

    name: str
    type: ColumnType
    nullable: bool = False
    allowed: tuple[str, ...] = ()      # closed list of values (strings)
    minimum: int | None = None         # inclusive, for "int" and "float"
    maximum: int | None = None
    area: bool = False                 # must be a known HWB area code
    whole_number: bool = True          # "float" columns that must hold whole numbers
    doc: str = ""


@dataclass(frozen=True, slots=True)
class DateOrder:
    """``later`` may not fall before ``earlier`` on the same row."""

    earlier: str
    later: str
    reason: str


@dataclass(frozen=True, slots=True)
class Schema:
    """A dataset: its columns, the columns that identify a row, and cross-column rules."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()                       # unique together (duplicates rejected)
    date_orders: tuple[DateOrder, ...] = ()
    doc: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise NotFound(f"dataset '{self.name}' has no column '{name}'")

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, _ARROW[c.type], nullable=c.nullable) for c in self.columns])


ADMISSION_METHODS = ("emergency", "elective", "maternity", "other")
RESPONSIBLE = ("NHS", "social_care", "both")
PLACEMENTS = ("permanent", "temporary")
AGE_BANDS = ("all_ages", "18_plus", "65_plus")

HOSPITAL_SPELLS = Schema(
    name="hospital_spells",
    doc="One row per hospital spell (general & acute), pseudonymised person.",
    columns=(
        Column("spell_id", "string"),
        Column("person_id", "string", doc="pseudonymised person"),
        Column("admission_date", "date"),
        Column("admission_method", "string", allowed=ADMISSION_METHODS),
        Column("discharge_date", "date", nullable=True, doc="blank while still in hospital"),
        Column("age", "int", minimum=0, maximum=120),
        Column("area_code", "string", area=True, doc="HWB area of residence"),
        Column("provider", "string"),
    ),
    key=("spell_id",),
    date_orders=(DateOrder("admission_date", "discharge_date", "discharge before admission"),),
)

DELAYED_TRANSFERS = Schema(
    name="delayed_transfers",
    doc="Delayed days by month (first day of the month), area, provider and responsible body.",
    columns=(
        Column("month_start", "date"),
        Column("area_code", "string", area=True),
        Column("provider", "string"),
        Column("responsible", "string", allowed=RESPONSIBLE),
        Column("delayed_days", "int", minimum=0),
    ),
    key=("month_start", "area_code", "provider", "responsible"),
)

CARE_HOME_ADMISSIONS = Schema(
    name="care_home_admissions",
    doc="Admissions to residential or nursing care funded by the council.",
    columns=(
        Column("admission_id", "string"),
        Column("person_id", "string"),
        Column("admission_date", "date"),
        Column("age", "int", minimum=0, maximum=120),
        Column("placement", "string", allowed=PLACEMENTS),
        Column("area_code", "string", area=True),
    ),
    key=("admission_id",),
)

REABLEMENT_EPISODES = Schema(
    name="reablement_episodes",
    doc="Discharges from hospital into reablement, with the 91-day follow-up.",
    columns=(
        Column("episode_id", "string"),
        Column("person_id", "string"),
        Column("discharge_date", "date"),
        Column("age", "int", minimum=0, maximum=120),
        Column("area_code", "string", area=True),
        Column("at_home_91_days", "bool"),
    ),
    key=("episode_id",),
)

POPULATION = Schema(
    name="population",
    doc="Mid-year population by area and age band; ``basis`` says where the figure came from.",
    columns=(
        Column("area_code", "string", area=True),
        Column("year", "int", minimum=1990, maximum=2100),
        Column("age_band", "string", allowed=AGE_BANDS),
        Column("population", "int", minimum=0),
        Column("basis", "string"),
    ),
    key=("area_code", "year", "age_band"),
)

SURVEY = Schema(
    name="survey",
    doc="BCF5 experience survey: one row per respondent, positive = reports a good experience.",
    columns=(
        Column("response_id", "string"),
        Column("response_date", "date"),
        Column("area_code", "string", area=True),
        Column("positive", "bool"),
    ),
    key=("response_id",),
)

DATASETS: dict[str, Schema] = {
    s.name: s for s in (HOSPITAL_SPELLS, DELAYED_TRANSFERS, CARE_HOME_ADMISSIONS,
                        REABLEMENT_EPISODES, POPULATION, SURVEY)
}


def schema(name: str) -> Schema:
    """The schema called ``name``."""
    try:
        return DATASETS[name]
    except KeyError:
        raise NotFound(f"unknown dataset '{name}' (known: {', '.join(DATASETS)})") from None
