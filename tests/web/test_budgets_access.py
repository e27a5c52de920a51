"""Person-level budget data only for the roles that need it (issue 16 item 10): the area's pool
manager and care coordinators see people, every such read is written to the audit trail, and
every other role that can see the area gets aggregates only."""

from __future__ import annotations

import re

import pytest

from carepool.budgets.dataset import Dataset
from carepool.services.sharing_audit import read_log
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, CARE_COORDINATOR, OTHER, OWN, add_person, client_as

COORDINATOR = CARE_COORDINATOR.email


@pytest.fixture
def loaded(with_budgets: Store) -> Store:
    """Budgets loaded, and the own area's care coordinator."""
    add_person(with_budgets, CARE_COORDINATOR)
    return with_budgets


def _reads(store: Store) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject) for e in read_log(store).entries if e.action.startswith("budget.")]


@pytest.mark.parametrize("email", [BY_KEY["pool_manager"].email, COORDINATOR])
def test_pool_manager_and_care_coordinator_see_people_and_each_read_is_audited(
        loaded: Store, budget_people: Dataset, email: str) -> None:
    client = client_as(loaded, email)
    person = next(p.id for p in budget_people.people if p.area_code == OWN)
    listed = re.findall(r'data-person="(P\d+)"', client.get(f"/areas/{OWN}/budgets").text)
    assert listed and person in listed
    assert client.get(f"/areas/{OWN}/budgets/{person}").status_code == 200
    assert _reads(loaded) == [(email, "budget.people.list", f"personal budgets of area {OWN}"),
                              (email, "budget.person.read", f"personal budget of {person} in area {OWN}")]
    assert read_log(loaded).intact


@pytest.mark.parametrize("key", ["la_lead", "ccg_lead", "hwb_chair", "local_auditor", "local_analyst",
                                 "assurer", "analyst", "auditor", "admin"])
def test_every_other_role_gets_aggregates_only(loaded: Store, budget_people: Dataset, key: str) -> None:
    client = client_as(loaded, BY_KEY[key].email)
    person = next(p.id for p in budget_people.people if p.area_code == OWN)
    page = client.get(f"/areas/{OWN}/budgets")
    assert page.status_code == 200
    assert re.findall(r'data-person="', page.text) == [] and person not in page.text
    assert 'id="totals"' in page.text and 'id="aggregate-only"' in page.text
    refused = client.get(f"/areas/{OWN}/budgets/{person}")
    assert refused.status_code == 403 and "person-level" in refused.text
    assert _reads(loaded) == []


def test_a_care_coordinator_sees_no_other_area(loaded: Store, budget_people: Dataset) -> None:
    client = client_as(loaded, COORDINATOR)
    other = next(p.id for p in budget_people.people if p.area_code == OTHER)
    assert client.get(f"/areas/{OTHER}/budgets").status_code == 403
    assert client.get(f"/areas/{OTHER}/budgets/{other}").status_code == 403
    assert client.get(f"/areas/{OWN}/upload").status_code == 403      # reads people's budgets, nothing else
