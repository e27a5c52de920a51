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
from carepool.metrics.codelists import code_list, esp2013

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
    area: bool = False                 # must be a known area code (HWB areas; the ICBs for ICB files)
    pattern: str = ""                  # regular expression the whole text must match (codes)
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


ADMISSION_METHODS = code_list("admission_method").codes()          # NHS Data Dictionary codes
DISCHARGE_DESTINATIONS = code_list("discharge_destination").codes()
# NHS Data Dictionary PERSON STATED GENDER CODE: male, female, indeterminate, not known
SEXES = ("1", "2", "9", "X")
RESPONSIBLE = ("NHS", "social_care", "both")
PLACEMENTS = ("permanent", "temporary")
CARE_SETTINGS = ("residential", "nursing")
FUNDING_ROUTES = ("local_authority", "self_funded", "nhs_chc")
ESP_BANDS = tuple(b.label for b in esp2013())
AGE_BANDS = ("all_ages", "18_plus", "65_plus", *ESP_BANDS)
_ICD10 = r"[A-Z][0-9]{2}[0-9A-Z]?"

HOSPITAL_SPELLS = Schema(
    name="hospital_spells",
    doc="One row per hospital spell (general & acute), pseudonymised person, shaped like SUS/HES APC "
        "as commissioners receive it.",
    columns=(
        Column("spell_id", "string"),
        Column("person_id", "string", doc="pseudonymised person"),
        Column("admission_date", "date"),
        Column("admission_method", "string", allowed=ADMISSION_METHODS,
               doc="NHS Data Dictionary ADMISSION METHOD CODE (list admission_method)"),
        Column("discharge_date", "date", nullable=True, doc="blank while still in hospital"),
        Column("age", "int", minimum=0, maximum=120, doc="age on admission"),
        Column("area_code", "string", area=True, doc="HWB area of residence"),
        Column("provider", "string"),
        Column("sex", "string", allowed=SEXES),
        Column("primary_diagnosis", "string", pattern=_ICD10, doc="ICD-10, no dot (I110)"),
        Column("secondary_diagnoses", "string", nullable=True,
               pattern=rf"{_ICD10}(;{_ICD10})*", doc="ICD-10 codes joined by ';'"),
        Column("cause_code", "string", nullable=True, pattern=_ICD10,
               doc="ICD-10 external cause (HES CAUSE), e.g. W19X for a fall"),
        Column("discharge_destination", "string", nullable=True, allowed=DISCHARGE_DESTINATIONS,
               doc="NHS Data Dictionary DISCHARGE DESTINATION CODE; blank while in hospital"),
        Column("discharge_ready_date", "date", nullable=True,
               doc="date the person was ready for discharge, where recorded (2022 onward)"),
    ),
    key=("spell_id",),
    date_orders=(DateOrder("admission_date", "discharge_date", "discharge before admission"),
                 DateOrder("admission_date", "discharge_ready_date", "ready for discharge before admission"),
                 DateOrder("discharge_ready_date", "discharge_date", "discharged before ready date")),
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
    doc="Long-term and short-term care starts in residential or nursing homes (adult social care "
        "client level data shape): setting and funding route.",
    columns=(
        Column("admission_id", "string"),
        Column("person_id", "string"),
        Column("admission_date", "date"),
        Column("age", "int", minimum=0, maximum=120),
        Column("placement", "string", allowed=PLACEMENTS),
        Column("area_code", "string", area=True),
        Column("setting", "string", allowed=CARE_SETTINGS),
        Column("funding", "string", allowed=FUNDING_ROUTES,
               doc="who pays: the council (ASCOF 2A counts these), the person, or NHS CHC"),
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
    doc="Mid-year population by area and age band (summary bands and the 19 ESP 2013 bands); "
        "``basis`` says where the figure came from.",
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
    doc="A board's own experience survey (for a local BCF6 metric): one row per respondent. BCF5 "
        "has no national definition, so no national metric reads this.",
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
