"""The metric identifiers the fund has used, year by year: one vocabulary for programme files and engines.

Programme year files name their metric set with these ids; the metrics engine defines each of them
once. Keeping the list here (core, no dependencies) lets a programme file be checked for an unknown
metric id without loading the engine's definitions.
"""

from __future__ import annotations

from collections.abc import Iterable

# 2015-16 and 2016-17 (and the 2017-19 / 2019-20 set, which kept BCF1-BCF4)
BCF_2015_IDS: tuple[str, ...] = ("BCF1", "BCF2", "BCF3", "BCF4", "BCF5")

# 2021-22 onward (avoidable admissions replaced non-elective admissions; 2021-22 also asked for
# length of stay), and the three headline goals of 2025-26.
CURRENT_IDS: tuple[str, ...] = (
    "avoidable_admissions",          # unplanned hospitalisation for chronic ACSC, per 100,000
    "falls_admissions_65",           # emergency admissions due to falls, 65+, DSR per 100,000 (ESP 2013)
    "discharge_usual_residence",     # discharged to usual place of residence (%)
    "care_home_admissions_65",       # permanent admissions to residential and nursing care, 65+, per 100,000
    "reablement_91",                 # 65+ at home 91 days after discharge to reablement (Oct-Dec cohort, %)
    "length_of_stay_14",             # inpatients with a length of stay of 14 days or more (%)
    "length_of_stay_21",             # inpatients with a length of stay of 21 days or more (%)
    "emergency_admissions",          # 2025-26: unplanned (emergency) admissions, per 100,000
    "discharge_delay_average",       # 2025-26: average days from discharge-ready date to discharge
    "discharged_on_ready_date",      # 2025-26: share discharged on their discharge-ready date (%)
    "long_term_care_admissions_65",  # 2025-26: long-term care-home admissions, 65+, per 100,000
)

KNOWN_METRIC_IDS: frozenset[str] = frozenset(BCF_2015_IDS + CURRENT_IDS + ("BCF6",))

FIRST_CURRENT_YEAR = 2021   # 2021-22: avoidable admissions replaced non-elective admissions


def measured_today(codes: Iterable[str], start_year: int) -> bool:
    """A year measured by today's metrics: from 2021-22, with none of the 2015-era ids (a later year
    whose metrics are not yet known, such as 2026-27, counts: its returns ask for no 2015-era figures)."""
    return start_year >= FIRST_CURRENT_YEAR and not any(c in BCF_2015_IDS or c == "BCF6" for c in codes)

# Metrics with no national definition (measured locally, never computed): the engine's
# ``definitions.UNAVAILABLE`` has exactly these, and a programme file must mark them
# ``status: unavailable`` (and nothing else so), so the two sides cannot disagree.
UNAVAILABLE_IDS: frozenset[str] = frozenset({"BCF5"})
