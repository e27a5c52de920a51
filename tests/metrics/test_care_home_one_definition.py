"""Care-home admissions 65+ is one count under three names (BCF2, 2021-22 on, 2025-26): defined once."""

from __future__ import annotations

from dataclasses import asdict

from carepool.metrics.current import CARE_HOME_ADMISSIONS_65, LONG_TERM_CARE_ADMISSIONS_65
from carepool.metrics.definitions import BCF2

NAMING = {"code", "title", "source", "notes"}


def test_the_later_names_count_exactly_what_bcf2_counts() -> None:
    counted = {k: v for k, v in asdict(BCF2).items() if k not in NAMING}
    assert counted["dataset"] == "care_home_admissions" and "permanent" in counted["where"]
    for later in (CARE_HOME_ADMISSIONS_65, LONG_TERM_CARE_ADMISSIONS_65):
        assert {k: v for k, v in asdict(later).items() if k not in NAMING} == counted, later.code
    assert len({BCF2.code, CARE_HOME_ADMISSIONS_65.code, LONG_TERM_CARE_ADMISSIONS_65.code}) == 3
    assert CARE_HOME_ADMISSIONS_65.source == BCF2.source != LONG_TERM_CARE_ADMISSIONS_65.source
