"""The fund's metrics from 2021-22 on, and the 2025-26 headline goals, each defined once.

Where the published definition could not be read in full (see ``notes``), the gap is said here
and on the reference page rather than filled silently. Ids are those of ``metrics.ids``.
"""

from __future__ import annotations

from dataclasses import replace

from carepool.errors import ConfigurationError
from carepool.metrics.codelists import sql_any_secondary, sql_in_list
from carepool.metrics.definitions import (
    ASCOF_2B1,
    BCF1,
    BCF2,
    BCF3,
    BCF4,
    EMERGENCY,
    REABLEMENT_WHERE,
    UNAVAILABLE,
    MetricDefinition,
    UnavailableMetric,
)
from carepool.metrics.ids import BCF_2015_IDS, CURRENT_IDS

_CHRONIC_ACSC = (f"({sql_in_list('primary_diagnosis', 'chronic_acsc')} OR "
                 f"(substr(primary_diagnosis, 1, 3) = 'J20' AND "
                 f"{sql_any_secondary('secondary_diagnoses', 'copd_secondary')}))")
_FALL = (f"{sql_in_list('primary_diagnosis', 'injury_primary_diagnosis')} AND "
         f"{sql_in_list('cause_code', 'falls_external_cause')}")
_DISCHARGED = ("discharge_date IS NOT NULL AND discharge_destination IS NOT NULL AND NOT "
               + sql_in_list("discharge_destination", "discharge_destination_excluded"))
_READY = "discharge_date IS NOT NULL AND discharge_ready_date IS NOT NULL AND age >= 18"
_LOS = "DAYS(admission_date, discharge_date)"
_DELAY = "DAYS(discharge_ready_date, discharge_date)"
_BCF_2122 = ("Better Care Fund 2021-22 to 2024-25 metrics as reported by HWBs (see docs/domain "
             "programme-years.md, 2023-24 list); exact official definitions not held")
_BCF_2526 = ("Better Care Fund 2025-26 headline metrics (unplanned admissions, delayed discharges, "
             "long-term care-home admissions); exact definitions (age bands, denominators) not held")

AVOIDABLE_ADMISSIONS = MetricDefinition(
    code="avoidable_admissions",
    title="Unplanned hospitalisation for chronic ambulatory care sensitive conditions, per 100,000",
    dataset="hospital_spells", date_column="admission_date", numerator="1",
    where=f"{EMERGENCY} AND {_CHRONIC_ACSC}", population_band="all_ages", interval="byar",
    codelists=("emergency_admission_methods@1", "chronic_acsc@1", "copd_secondary@1"),
    source=("NHS Digital, NHS Outcomes Framework 2.3.i / CCG OIS 2.6 (https://digital.nhs.uk/data-and-"
            "information/publications/statistical/nhs-outcomes-framework/february-2021/domain-2-"
            "enhancing-quality-of-life-for-people-with-long-term-conditions-nof/2.3.i-unplanned-"
            "hospitalisation-for-chronic-ambulatory-care-sensitive-conditions)"),
    notes=("crude rate per 100,000 of all ages with Byar's interval; the published indicator is "
           "indirectly age and sex standardised (reference year 2012-13), which needs national "
           "rates by age and sex that carepool does not hold; spells, not episodes"))

FALLS_ADMISSIONS_65 = MetricDefinition(
    code="falls_admissions_65",
    title="Emergency admissions due to falls, 65+, directly age-standardised per 100,000 (ESP 2013)",
    dataset="hospital_spells", date_column="admission_date", numerator="1",
    where=f"{EMERGENCY} AND age >= 65 AND {_FALL}", population_band="65_plus",
    standardisation="esp2013", min_age=65, interval="dobson",
    codelists=("emergency_admission_methods@1", "injury_primary_diagnosis@1", "falls_external_cause@1"),
    source=("OHID Public Health Outcomes Framework 2.24i (C29), emergency hospital admissions due to "
            "falls in people aged 65 and over (https://fingertips.phe.org.uk/; definition as on "
            "https://nhs.uk/Scorecard/Pages/IndicatorFacts.aspx?MetricId=8135)"),
    notes="six ESP 2013 bands 65-69 ... 90+; Dobson's interval; spells, not episodes")

DISCHARGE_USUAL_RESIDENCE = MetricDefinition(
    code="discharge_usual_residence",
    title="Discharged to usual place of residence (%)",
    dataset="hospital_spells", date_column="discharge_date",
    numerator=f"CASE WHEN {sql_in_list('discharge_destination', 'usual_place_of_residence')} THEN 1 ELSE 0 END",
    where=_DISCHARGED, denominator="1", scale=100, unit="percent", interval="wilson",
    codelists=("usual_place_of_residence@1", "discharge_destination_excluded@1"), source=_BCF_2122,
    notes="destination 19 over discharges with a known destination (not died, not unknown): an assumption")

# The same count as BCF2 (ASCOF 2A(2)) under the names later years gave it: one definition, three names.
CARE_HOME_ADMISSIONS_65 = replace(
    BCF2, code="care_home_admissions_65",
    title="Permanent admissions to residential and nursing care, 65+, per 100,000 aged 65+",
    notes="same definition as BCF2")

REABLEMENT_91 = MetricDefinition(
    code="reablement_91",
    title="People 65+ at home 91 days after discharge into reablement (October-December cohort, %)",
    dataset="reablement_episodes", date_column="discharge_date",
    numerator="CASE WHEN at_home_91_days THEN 1 ELSE 0 END", where=REABLEMENT_WHERE,
    denominator="1", scale=100, unit="percent", interval="wilson", source=ASCOF_2B1,
    notes="same definition as BCF3")


def _length_of_stay(days: int) -> MetricDefinition:
    return MetricDefinition(
        code=f"length_of_stay_{days}",
        title=f"Adult inpatients discharged after a stay of {days} days or more (%)",
        dataset="hospital_spells", date_column="discharge_date",
        numerator=f"CASE WHEN {_LOS} >= {days} THEN 1 ELSE 0 END",
        where="discharge_date IS NOT NULL AND age >= 18", denominator="1", scale=100, unit="percent",
        interval="wilson", source=_BCF_2122,
        notes=("share of discharged adult spells with a stay of at least this many days; the 2021-22 "
               "metric was a share of inpatients (a bed census), which spells can only approximate"))


LENGTH_OF_STAY_14 = _length_of_stay(14)
LENGTH_OF_STAY_21 = _length_of_stay(21)

EMERGENCY_ADMISSIONS = MetricDefinition(
    code="emergency_admissions", title="Unplanned (emergency) admissions, all ages, per 100,000",
    dataset="hospital_spells", date_column="admission_date", numerator="1", where=EMERGENCY,
    population_band="all_ages", interval="byar", codelists=("emergency_admission_methods@1",),
    source=_BCF_2526, notes="emergency methods 21-2D, all ages (the published age band is not held)")

DISCHARGE_DELAY_AVERAGE = MetricDefinition(
    code="discharge_delay_average",
    title="Average days from discharge-ready date to discharge, adults (days)",
    dataset="hospital_spells", date_column="discharge_date", numerator=_DELAY, where=_READY,
    denominator="1", scale=1, unit="days", interval="mean", sum_squares=f"{_DELAY} * {_DELAY}",
    source=_BCF_2526, notes="over adult discharges with a recorded discharge-ready date; 0 when discharged that day")

DISCHARGED_ON_READY_DATE = MetricDefinition(
    code="discharged_on_ready_date",
    title="Adults discharged on their discharge-ready date (%)",
    dataset="hospital_spells", date_column="discharge_date",
    numerator="CASE WHEN discharge_date = discharge_ready_date THEN 1 ELSE 0 END", where=_READY,
    denominator="1", scale=100, unit="percent", interval="wilson", source=_BCF_2526)

LONG_TERM_CARE_ADMISSIONS_65 = replace(
    BCF2, code="long_term_care_admissions_65",
    title="Long-term care-home admissions, 65+, per 100,000 aged 65+", source=_BCF_2526,
    notes="council-funded permanent admissions 65+ (as ASCOF 2A(2)); the 2025-26 collection is client level data")

CURRENT: tuple[MetricDefinition, ...] = (
    AVOIDABLE_ADMISSIONS, FALLS_ADMISSIONS_65, DISCHARGE_USUAL_RESIDENCE, CARE_HOME_ADMISSIONS_65,
    REABLEMENT_91, LENGTH_OF_STAY_14, LENGTH_OF_STAY_21, EMERGENCY_ADMISSIONS,
    DISCHARGE_DELAY_AVERAGE, DISCHARGED_ON_READY_DATE, LONG_TERM_CARE_ADMISSIONS_65,
)

ALL: tuple[MetricDefinition, ...] = (BCF1, BCF2, BCF3, BCF4, *CURRENT)
BY_ID: dict[str, MetricDefinition] = {m.code: m for m in ALL}


def definition(metric_id: str) -> MetricDefinition | UnavailableMetric:
    """The definition of a metric id, or the record of why it is unavailable."""
    if metric_id in UNAVAILABLE:
        return UNAVAILABLE[metric_id]
    try:
        return BY_ID[metric_id]
    except KeyError:
        raise ConfigurationError(f"no definition for metric id '{metric_id}'") from None


def check_complete() -> list[str]:
    """Ids in ``metrics.ids`` that have neither a definition nor an unavailability record."""
    return [i for i in (*BCF_2015_IDS, *CURRENT_IDS) if i not in BY_ID and i not in UNAVAILABLE]
