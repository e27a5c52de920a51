"""The pool settlement page of a two-year plan settles one plan year at a time, in order, and says
which (settle-years), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from carepool.money import Money
from carepool.services import ledger
from carepool.store.db import Store
from tests.services.test_ledger_plan_years import YEAR, assure_2023_25, pool_money
from tests.web.conftest import BY_KEY, OWN, log_in
from tests.web.test_plan_years_web import _client


@pytest.fixture
def client_2325(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, YEAR)


def _form(client: TestClient) -> tuple[str, dict[str, str]]:
    page = client.get(f"/areas/{OWN}/ledger/settlement")
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'name="(version|plan_year)" value="([^"]+)"', page.text))
    return " ".join(page.text.split()), fields


def test_the_settlement_page_settles_each_plan_year_in_turn(client_2325: TestClient, web_store: Store) -> None:
    assert OWN == "E08000018"     # the services fixture's area: the pool manager's own
    assure_2023_25(web_store)
    ledger.post_contributions(web_store, YEAR, plan_year="2023-24")
    ledger.post_contributions(web_store, YEAR, plan_year="2024-25")
    token = log_in(client_2325, BY_KEY["pool_manager"].email)
    settled = []
    for label, start, end in (("2023-24", "2023-04-01", "2024-03-31"), ("2024-25", "2024-04-01", "2025-03-31")):
        text, fields = _form(client_2325)
        assert fields.get("plan_year") == label
        assert f"Settle and close plan year {label} of {YEAR}" in text
        if label == "2023-24":     # the first year's net is its own contributions, not both years'
            pool, net = next(iter(pool_money(web_store, start, end).items()))
            assert str(Money(net)) in text and pool
        done = client_2325.post(f"/areas/{OWN}/ledger/settle",
                                data={"csrf_token": token, **fields}, follow_redirects=False)
        assert done.status_code == 303, done.text
        settled.append(label)
        assert [c.period.label for c in ledger.closed_periods(web_store, OWN)] == settled
    text, fields = _form(client_2325)
    assert f"plan year 2024-25 of {YEAR} is settled and closed" in text and "plan_year" not in fields


def test_the_year_end_page_shows_the_latest_settled_plan_year(client_2325: TestClient, web_store: Store) -> None:
    assure_2023_25(web_store)
    for label in ("2023-24", "2024-25"):
        ledger.post_contributions(web_store, YEAR, plan_year=label)
    log_in(client_2325, BY_KEY["pool_manager"].email)
    shown = []
    for label in ("2023-24", "2024-25"):
        ledger.settle(web_store, YEAR, OWN, plan_year=label)
        page = client_2325.get(f"/areas/{OWN}/ledger/year-end")
        assert page.status_code == 200, page.text
        assert f"plan year {label} of {YEAR}" in " ".join(page.text.split())
        shown.append(label)
    assert shown == ["2023-24", "2024-25"]
    download = client_2325.get(f"/areas/{OWN}/ledger/year-end.csv")
    assert download.status_code == 200    # the 2024-25 statement: it shows 2024-25 opening 2025-26's books
    assert "opens next year's books on 2025-04-01" in download.text and "2024-04-01" not in download.text
