"""The BCF metrics, each defined once as data: which rows count, what is summed, over what.

A definition holds engine-neutral SQL fragments (a filter and per-row expressions over one
dataset's columns), written by developers from shipped code lists, never built from user values.
Alongside the SQL it records the denominator, the standardisation, the confidence interval
method, the code lists (name@version) and the published source it follows, so the reference
page (``metrics/REFERENCE.md``) and the numbers cannot drift apart. ``BCF6`` is the local metric
each Health and Wellbeing Board chooses: build it with ``local_metric``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carepool.errors import ConfigurationError
from carepool.metrics.codelists import sql_in_list

Band = Literal["all_ages", "18_plus", "65_plus"]
Interval = Literal["byar", "dobson", "wilson", "mean", "none"]
Standardisation = Literal["none", "esp2013"]


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """A rate: sum(numerator) over a population band, or over sum(denominator) of rows.

    With ``standardisation="esp2013"`` the rate is directly age-standardised: events and
    population are taken per ESP 2013 five-year band from ``min_age`` up and weighted."""

    code: str
    title: str
    dataset: str                 # a schema name in activity.schemas (a view of that name)
    date_column: str             # the date that places an event in a month
    numerator: str               # SQL expression per row, summed
    where: str = "TRUE"          # SQL filter on the dataset's rows
    population_band: Band | None = None   # denominator: mid-year population of this band
    denominator: str | None = None        # or: SQL expression per row, summed
    scale: int = 100_000         # 100000 for "per 100,000", 100 for a percentage, 1 for a mean
    unit: str = "per 100,000"
    interval: Interval = "none"
    standardisation: Standardisation = "none"
    min_age: int = 0             # lowest age band for standardisation
    sum_squares: str | None = None        # SQL per row, summed: for the interval of a mean
    codelists: tuple[str, ...] = ()       # name@version of every code list the SQL uses
    source: str = ""             # the published definition followed (title and URL)
    notes: str = ""              # where carepool departs from or fills a gap in the source

    def __post_init__(self) -> None:
        if (self.population_band is None) == (self.denominator is None):
            raise ConfigurationError(
                f"metric {self.code} needs exactly one of population_band or denominator")
        if self.standardisation != "none" and self.population_band is None:
            raise ConfigurationError(f"metric {self.code}: standardisation needs a population denominator")


@dataclass(frozen=True, slots=True)
class UnavailableMetric:
    """A metric id the fund named but that carepool cannot compute, and why (shown everywhere)."""

    code: str
    title: str
    reason: str
    source: str


NON_ELECTIVE = sql_in_list("admission_method", "non_elective_admission_methods")
EMERGENCY = sql_in_list("admission_method", "emergency_admission_methods")
MAR_SOURCE = ("NHS England Monthly Activity Return (MAR), non-elective G&A admissions, the BCF1 baseline "
              "(https://www.england.nhs.uk/statistics/statistical-work-areas/hospital-activity/monthly-hospital-activity/mar-data/)")
ASCOF_2A2 = ("NHS Digital, Adult Social Care Outcomes Framework 2A(2): long-term support needs of older adults "
             "(65+) met by admission to residential and nursing care homes, per 100,000 population "
             "(https://digital.nhs.uk/data-and-information/publications/statistical/adult-social-care-outcomes-framework-ascof)")
ASCOF_2B1 = ("NHS Digital, ASCOF 2B(1): proportion of older people (65+) still at home 91 days after "
             "discharge from hospital into reablement/rehabilitation services; discharges 1 October - "
             "31 December (https://digital.nhs.uk/data-and-information/publications/statistical/adult-social-care-outcomes-framework-ascof)")
CARE_HOME_WHERE = "placement = 'permanent' AND age >= 65 AND funding = 'local_authority'"
REABLEMENT_WHERE = "age >= 65 AND month(discharge_date) IN (10, 11, 12)"

BCF1 = MetricDefinition(
    code="BCF1", title="Non-elective admissions (general and acute), all ages, per 100,000",
    dataset="hospital_spells", date_column="admission_date", numerator="1",
    where=NON_ELECTIVE, population_band="all_ages", interval="byar",
    codelists=("non_elective_admission_methods@1",), source=MAR_SOURCE,
    notes="counts every non-elective method (emergency, maternity, other), as the MAR baseline does")

BCF2 = MetricDefinition(
    code="BCF2", title="Permanent admissions of people 65+ to care homes, per 100,000 aged 65+",
    dataset="care_home_admissions", date_column="admission_date", numerator="1",
    where=CARE_HOME_WHERE, population_band="65_plus", interval="byar", source=ASCOF_2A2,
    notes="council-funded permanent admissions (funding = local_authority), as ASCOF 2A counts")

BCF3 = MetricDefinition(
    code="BCF3", title="People 65+ still at home 91 days after discharge into reablement (%)",
    dataset="reablement_episodes", date_column="discharge_date",
    numerator="CASE WHEN at_home_91_days THEN 1 ELSE 0 END", where=REABLEMENT_WHERE,
    denominator="1", scale=100, unit="percent", interval="wilson", source=ASCOF_2B1,
    notes="the October-December cohort only: a year's value is its Q3 discharges")

BCF4 = MetricDefinition(
    code="BCF4", title="Delayed transfers of care: delayed days per 100,000 aged 18+",
    dataset="delayed_transfers", date_column="month_start", numerator="delayed_days",
    population_band="18_plus",
    source=("NHS England Delayed Transfers of Care monthly situation report (collection ended February "
            "2020) (https://www.england.nhs.uk/statistics/statistical-work-areas/delayed-transfers-of-care/)"),
    notes="no interval: delayed days are not independent events, so Poisson limits would mislead")

UNAVAILABLE: dict[str, UnavailableMetric] = {
    "BCF5": UnavailableMetric(
        code="BCF5", title="Patient / service-user experience",
        reason=("no national definition: the 2015-16 fund asked for a patient or service-user "
                "experience metric chosen locally (survey-based); carepool holds no published "
                "national specification, so BCF5 is not computed and is shown as unavailable"),
        source="Better Care Fund 2015-16 metrics as summarised in docs/domain (better-care-fund.md, section 4)"),
}

STANDARD: tuple[MetricDefinition, ...] = (BCF1, BCF2, BCF3, BCF4)


def local_metric(title: str, dataset: str, date_column: str, numerator: str, *,
                 where: str = "TRUE", population_band: Band | None = None,
                 denominator: str | None = None, scale: int = 100_000,
                 unit: str = "per 100,000", code: str = "BCF6") -> MetricDefinition:
    """A Board's own metric (BCF6), run exactly like the national ones."""
    return MetricDefinition(code=code, title=title, dataset=dataset, date_column=date_column,
                            numerator=numerator, where=where, population_band=population_band,
                            denominator=denominator, scale=scale, unit=unit,
                            source="chosen locally by the Health and Wellbeing Board")
