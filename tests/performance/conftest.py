from __future__ import annotations

import pytest

from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import ProgrammeYear, derive_minimums, load_programme
from carepool.reference import load_reference

AREA = "E08000018"


@pytest.fixture(scope="session")
def programme() -> ProgrammeYear:
    return load_programme("bcf-2015-16")


@pytest.fixture(scope="session")
def plan(programme: ProgrammeYear) -> Plan:
    return synthetic_plan(AREA, programme, load_reference(), seed=3)


@pytest.fixture(scope="session")
def element(programme: ProgrammeYear) -> Money:
    return derive_minimums(programme, load_reference())[AREA].performance_element
