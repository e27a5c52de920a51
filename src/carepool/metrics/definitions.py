"""The BCF metrics, each defined once as data: which rows count, what is summed, over what.

A definition holds engine-neutral SQL fragments (a filter and per-row expressions over one
dataset's columns), written by developers, never built from user values. ``BCF6`` is the
local metric each Health and Wellbeing Board chooses: build it with ``local_metric`` and pass
it to the engines alongside ``STANDARD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carepool.errors import ConfigurationError

Band = Literal["all_ages", "18_plus", "65_plus"]


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """A rate: sum(numerator) over a population band, or over sum(denominator) of rows."""

    code: str
    title: str
    dataset: str                 # a schema name in activity.schemas (a view of that name)
    date_column: str             # the date that places an event in a month
    numerator: str               # SQL expression per row, summed
    where: str = "TRUE"          # SQL filter on the dataset's rows
    population_band: Band | None = None   # denominator: mid-year population of this band
    denominator: str | None = None        # or: SQL expression per row, summed
    scale: int = 100_000         # 100000 for "per 100,000", 100 for a percentage
    unit: str = "per 100,000"

    def __post_init__(self) -> None:
        if (self.population_band is None) == (self.denominator is None):
            raise ConfigurationError(
                f"metric {self.code} needs exactly one of population_band or denominator")


BCF1 = MetricDefinition(
    code="BCF1", title="Non-elective (emergency) admissions, all ages, per 100,000",
    dataset="hospital_spells", date_column="admission_date", numerator="1",
    where="admission_method = 'emergency'", population_band="all_ages")

BCF2 = MetricDefinition(
    code="BCF2", title="Permanent admissions of people 65+ to care homes, per 100,000 aged 65+",
    dataset="care_home_admissions", date_column="admission_date", numerator="1",
    where="placement = 'permanent' AND age >= 65", population_band="65_plus")

BCF3 = MetricDefinition(
    code="BCF3", title="People 65+ still at home 91 days after discharge into reablement (%)",
    dataset="reablement_episodes", date_column="discharge_date",
    numerator="CASE WHEN at_home_91_days THEN 1 ELSE 0 END", where="age >= 65",
    denominator="1", scale=100, unit="percent")

BCF4 = MetricDefinition(
    code="BCF4", title="Delayed transfers of care: delayed days per 100,000 aged 18+",
    dataset="delayed_transfers", date_column="month_start", numerator="delayed_days",
    population_band="18_plus")

BCF5 = MetricDefinition(
    code="BCF5", title="Service users reporting a positive experience (%)",
    dataset="survey", date_column="response_date",
    numerator="CASE WHEN positive THEN 1 ELSE 0 END", denominator="1", scale=100, unit="percent")

STANDARD: tuple[MetricDefinition, ...] = (BCF1, BCF2, BCF3, BCF4, BCF5)


def local_metric(title: str, dataset: str, date_column: str, numerator: str, *,
                 where: str = "TRUE", population_band: Band | None = None,
                 denominator: str | None = None, scale: int = 100_000,
                 unit: str = "per 100,000", code: str = "BCF6") -> MetricDefinition:
    """A Board's own metric (BCF6), run exactly like the national ones."""
    return MetricDefinition(code=code, title=title, dataset=dataset, date_column=date_column,
                            numerator=numerator, where=where, population_band=population_band,
                            denominator=denominator, scale=scale, unit=unit)
