"""The area page of a two-year plan shows what is pooled in each plan year, and each scheme's
spend per plan year, beside the whole-plan figures (money-years); a one-year plan's page is as before."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from carepool.money import Money
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OWN, log_in
from tests.web.test_plan_years_web import _client


@pytest.fixture
def client_2325(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, "bcf-2023-25")


def _text(html: str) -> str:
    return " ".join(html.split())


def test_the_area_page_shows_the_pooled_money_of_each_plan_year(client_2325: TestClient, web_store: Store) -> None:
    year = load_programme("bcf-2023-25")
    plan = replace(synthetic_plan_2023(OWN, year, seed=4), illustrative=False)
    plans.save_draft(web_store, OWN, plan, actor="setup")
    log_in(client_2325, BY_KEY["la_lead"].email)
    page = client_2325.get(f"/areas/{OWN}")
    assert page.status_code == 200, page.text
    text = _text(page.text)
    shown = 0
    for label in year.plan_years:
        pooled = Money(sum(f.amount.pence for f in plan.funding if f.plan_year == label))
        assert f"{label}: {pooled}" in text, label
        shown += 1
    assert shown == 2
    assert f"{plan.pooled_total} over the plan" in text
    scheme = next(s for s in plan.schemes if s.amounts)
    assert all(f"{label} {m}" in text for label, m in scheme.amounts)
