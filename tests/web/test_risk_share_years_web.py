"""The pool manager records a two-year plan's risk-share agreement per plan year on the web (the
page names the plan year, its form posts it), and the books' API lists each plan year's
agreements; SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from carepool.ledger.settlement import RiskShare
from carepool.services import ledger
from carepool.store.db import Store
from tests.services.test_ledger_plan_years import YEAR, assure_2023_25
from tests.web.conftest import BY_KEY, OWN, log_in
from tests.web.test_plan_years_web import _client

PAGE = f"/areas/{OWN}/ledger/risk-share"


@pytest.fixture
def client_2325(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, YEAR)


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", unescape(html)).split())


def _fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(version|plan_year|pool)" value="([^"]+)"', html))


def test_the_risk_share_page_records_the_agreement_of_the_plan_year_it_shows(client_2325: TestClient,
                                                                             web_store: Store) -> None:
    plan = assure_2023_25(web_store)
    icb = next(p.code for p in plan.partners if p.kind == "icb")
    token = log_in(client_2325, BY_KEY["pool_manager"].email)
    first = client_2325.get(PAGE)
    assert first.status_code == 200, first.text
    text = _words(first.text)
    assert f"Showing the agreements for plan year 2023-24 of {YEAR}" in text
    assert f'href="{PAGE}?plan_year=2024-25"' in first.text
    assert _fields(first.text)["plan_year"] == "2023-24", "by default the year the area settles next"

    later = client_2325.get(PAGE, params={"plan_year": "2024-25"})
    fields = _fields(later.text)
    assert fields["plan_year"] == "2024-25" and "in plan year 2024-25" in later.text
    done = client_2325.post(PAGE, data={"csrf_token": token, **fields, "kind": "fixed", f"weight-{icb}": "1",
                                        "carry_forward": "0"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "plan_year=2024-25" in done.headers["location"]
    pool = fields["pool"]
    assert ledger.risk_shares(web_store, OWN, YEAR, plan_year="2024-25")[pool] == RiskShare("fixed", ((icb, 1),))
    assert ledger.risk_shares(web_store, OWN, YEAR, plan_year="2023-24")[pool] is None, "the other year unchanged"
    shown = _words(client_2325.get(done.headers["location"]).text)
    assert f"The agreement for {pool} in plan year 2024-25 is recorded" in shown and f"fixed: {icb} 1" in shown
    assert f"fixed: {icb} 1" not in _words(client_2325.get(PAGE).text)

    books = client_2325.get(f"/api/areas/{OWN}/ledger").json()["agreements"]
    assert {(a["plan_year"], a["pool"], a["kind"]) for a in books} == {("2023-24", pool, None),
                                                                       ("2024-25", pool, "fixed")}
    assert client_2325.get(PAGE, params={"plan_year": "2015-16"}).status_code == 422
