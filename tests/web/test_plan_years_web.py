"""A two-year (2023-25) and the current (2025-26) plan on the web: the JSON API keeps every
per-year figure and the capacity and demand plan; the edit form edits them, with findings beside
the fields, without JavaScript.

Rotherham (E08000018) has the same code in the 2015 and the 2023 geography, so the web's area
pages (still on the 2015 reference for people and areas) serve it in either year.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from carepool.money import Money
from carepool.plans.serialise import plan_to_dict
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OWN, log_in, settings
from tests.web.test_plan_edit import _assert_error_beside, _send, form_of

EDIT = f"/areas/{OWN}/plan/edit"
PLAN = f"/api/areas/{OWN}/plan"


def _client(store: Store, year: str) -> Iterator[TestClient]:
    with TestClient(create_app("unused://", settings=settings(year=year), store=store)) as c:
        yield c


@pytest.fixture
def client_2325(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, "bcf-2023-25")


@pytest.fixture
def client_2526(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, "bcf-2025-26")


def _lead(client: TestClient) -> dict[str, str]:
    client.cookies.clear()
    log_in(client, BY_KEY["la_lead"].email)
    return {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}


def test_the_api_keeps_per_year_figures_and_capacity(client_2325: TestClient, web_store: Store) -> None:
    year = load_programme("bcf-2023-25")
    plan = replace(synthetic_plan_2023(OWN, year, seed=4), illustrative=False)
    assert plan.capacity and all(s.amounts for s in plan.schemes)
    header = _lead(client_2325)
    put = client_2325.put(PLAN, headers=header, json=plan_to_dict(plan))
    assert put.status_code == 200, put.text
    assert plans.get_plan(web_store, OWN, year.id).plan == plan
    assert client_2325.get(PLAN).json()["plan"] == plan_to_dict(plan)


def test_the_form_edits_spend_per_plan_year_and_capacity(client_2325: TestClient, web_store: Store) -> None:
    year = load_programme("bcf-2023-25")
    plan = replace(synthetic_plan_2023(OWN, year, seed=4), illustrative=False)
    plans.save_draft(web_store, OWN, plan, actor="setup")
    _lead(client_2325)
    page = client_2325.get(EDIT)
    assert page.status_code == 200
    form = form_of(page.text)
    assert "Planned spend in 2023-24" in page.text and "Planned spend in 2024-25" in page.text
    assert "Goal for 2024-25" in page.text
    assert "Intermediate care capacity and demand" in page.text
    assert form["funding-0-plan_year"] == "2023-24"
    assert "schemes-0-amount" not in form
    assert {"capacity-0-service", "capacity-0-plan_year", "capacity-0-demand", "capacity-0-capacity"} <= set(form)

    # £1 moved from 2023-24 to 2024-25: the two-year total still adds up, each year does not
    (_, a1), (_, a2) = plan.schemes[0].amounts
    moved = {**form, "schemes-0-amounts-0": str(a1 - Money(100)), "schemes-0-amounts-1": str(a2 + Money(100)),
             "capacity-0-demand": "lots"}
    refused = _send(client_2325, moved)
    assert refused.status_code == 422
    _assert_error_beside(refused.text, "capacity-0-demand", "not a whole number")
    assert "lots" in refused.text                                   # what was typed comes back
    saved = _send(client_2325, {**moved, "capacity-0-demand": "900"})
    assert saved.status_code == 303
    shown = client_2325.get(saved.headers["location"])
    _assert_error_beside(shown.text, "pools-0-id", "pool P1 in 2023-24")
    stored = plans.get_plan(web_store, OWN, year.id).plan
    assert stored.schemes[0].amounts == (("2023-24", a1 - Money(100)), ("2024-25", a2 + Money(100)))
    assert stored.schemes[0].amount == plan.schemes[0].amount
    assert stored.capacity[0].demand == 900

    fixed = _send(client_2325, {**form_of(shown.text), "schemes-0-amounts-0": str(a1),
                                "schemes-0-amounts-1": str(a2)})
    assert fixed.status_code == 303
    assert replace(plans.get_plan(web_store, OWN, year.id).plan, capacity=plan.capacity) == plan


def test_capacity_rows_are_added_without_javascript_and_a_missing_year_is_shown(
        client_2526: TestClient, web_store: Store) -> None:
    _lead(client_2526)
    first = client_2526.get(EDIT)
    assert first.status_code == 200
    form = form_of(first.text)
    assert not any(k.startswith("capacity-0") for k in form)          # a first draft has no figures yet
    added = _send(client_2526, form, "add:capacity")
    assert added.status_code == 200
    form = form_of(added.text)
    assert form["capacity-count"] == "1" and "capacity-0-service" in form
    saved = _send(client_2526, {**form, "capacity-0-service": "Reablement at home", "capacity-0-plan_year": "2025-26",
                                "capacity-0-demand": "500", "capacity-0-capacity": "450"})
    assert saved.status_code == 303
    page = client_2526.get(saved.headers["location"]).text
    assert "capacity 450 is below demand 500" in page
    plan = plans.get_plan(web_store, OWN, "bcf-2025-26").plan
    assert [(c.service, c.plan_year, c.demand, c.capacity) for c in plan.capacity] == \
        [("Reablement at home", "2025-26", 500, 450)]
