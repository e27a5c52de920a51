"""Plans and books for the ledger's tests, built from the synthetic plans."""

from __future__ import annotations

import pytest

from carepool.ledger import Books, post, schedule_contributions, scheme_budgets
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import ProgrammeYear, derive_minimums, load_programme
from carepool.reference import load_reference

AREA = "E08000018"   # Rotherham


@pytest.fixture(scope="session")
def programme() -> ProgrammeYear:
    return load_programme("bcf-2015-16")


@pytest.fixture(scope="session")
def plan(programme: ProgrammeYear) -> Plan:
    return synthetic_plan(AREA, programme, load_reference(), seed=3, second_pool=True, local_topup=Money(10_000_000))


@pytest.fixture(scope="session")
def element(programme: ProgrammeYear) -> Money:
    return derive_minimums(programme, load_reference())[AREA].performance_element


@pytest.fixture
def funded(plan: Plan, programme: ProgrammeYear) -> Books:
    """Books holding the plan's contributions and scheme budgets."""
    return post(Books(), schedule_contributions(plan, programme) + scheme_budgets(plan, programme)).books
