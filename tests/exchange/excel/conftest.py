"""Shared fixtures for the Excel planning workbook tests: reference data, years, synthetic plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import ReferenceData, load_reference

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "plans"


@pytest.fixture(scope="session")
def ref() -> ReferenceData:
    return load_reference()


@pytest.fixture(scope="session")
def year15() -> ProgrammeYear:
    return load_programme("bcf-2015-16")


@pytest.fixture(scope="session")
def year16() -> ProgrammeYear:
    return load_programme("bcf-2016-17")


def a_plan(area: str, year: ProgrammeYear, ref: ReferenceData, *, second_pool: bool = True,
           signed: bool = True, seed: int = 5) -> Plan:
    return synthetic_plan(area, year, ref, seed=seed, second_pool=second_pool,
                       local_topup=Money(123_456_789), signed=signed)
