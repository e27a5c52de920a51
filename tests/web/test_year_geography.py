"""The web on the year's geography (issue 13 items 3 and 6): a 2025-26 plan of North Yorkshire, a
council created in 2023 and served by three ICBs, signed off in the browser by the year's named
signatories, submitted and assured; the year selector; an old code answered with its successor."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from carepool.errors import InputError, NotFound
from carepool.programme import load_programme
from carepool.reference.load_geography import geography_2023
from carepool.services import plans, users
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, PASSWORD, log_in, log_in_as, plan_version
from tests.web.people_2023 import (
    BY_KEY_2023,
    ICBS,
    NORTH_YORKSHIRE,
    YEAR_2023,
    add_people_2023,
    store_draft_2023,
)

PAGE = f"/areas/{NORTH_YORKSHIRE}"


def _as(client: TestClient, email: str) -> str:
    token = log_in_as(client, email)
    client.get("/", params={"year": YEAR_2023})      # the year selector: kept for the session
    return token


def _decide(client: TestClient, token: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token, "version": plan_version(client, NORTH_YORKSHIRE), "year": YEAR_2023, **fields}
    return client.post(f"{PAGE}/{action}", data=data, follow_redirects=False)


def _status(client: TestClient) -> str:
    found = re.search(r'id="status">([^<]+)<', client.get(PAGE).text)
    assert found, "the area page shows the plan's status"
    return found.group(1)


def test_a_2023_area_plan_goes_through_the_years_signatories_to_assured(client: TestClient,
                                                                         web_store: Store) -> None:
    add_people_2023(web_store)
    store_draft_2023(web_store)
    accounts = {u.email: u for u in users.list_users(web_store)}
    for code in ICBS:     # each ICB lead acts for every area its ICB serves, North Yorkshire among them
        lead = accounts[BY_KEY_2023[f"ny_icb_lead_{code.lower()}"].email]
        assert lead.org_kind == "icb" and NORTH_YORKSHIRE in lead.areas and len(lead.areas) >= 2

    token = _as(client, BY_KEY_2023["ny_council_lead"].email)
    page = client.get(PAGE)
    assert page.status_code == 200 and "North Yorkshire" in page.text and "Better Care Fund 2025-26" in page.text
    assert 'name="signatory_council_chief_executive"' in page.text
    assert 'name="signatory_council_s151_officer"' in page.text and "cannot be delegated" in page.text
    assert "is an area of the 2023 geography, so there is no series to evaluate" in page.text
    unnamed = _decide(client, token, "sign-off", signatory_council_chief_executive="Richard Flinton")
    assert unnamed.status_code == 422 and "council s151 officer" in unnamed.text
    assert _status(client) == "draft", "a refused sign-off records nothing"
    signed = _decide(client, token, "sign-off", signatory_council_chief_executive="Richard Flinton",
                     signatory_council_s151_officer="Gary Fielding")
    assert signed.status_code == 303
    assert _status(client) == "draft", "three ICBs have still to sign"

    for i, code in enumerate(ICBS):
        token = _as(client, BY_KEY_2023[f"ny_icb_lead_{code.lower()}"].email)
        page = client.get(PAGE)
        assert f"Sign off as {code}" in page.text and 'name="signatory_icb_chief_executive"' in page.text
        assert 'name="signatory_council_s151_officer"' not in page.text
        assert _decide(client, token, "sign-off", signatory_icb_chief_executive=f"Chief {i}").status_code == 303
    assert _status(client) == "partners signed off"

    token = _as(client, BY_KEY_2023["ny_hwb_chair"].email)
    assert _decide(client, token, "hwb-sign-off").status_code == 303
    assert _decide(client, token, "submit").status_code == 303
    assert _status(client) == "submitted"

    token = _as(client, BY_KEY["assurer"].email)
    outcome = load_programme(YEAR_2023).assurance_outcomes[0]
    assert _decide(client, token, "assure", outcome=outcome).status_code == 303
    assert _status(client) == "assured"

    _record, events = plans.history(web_store, NORTH_YORKSHIRE, YEAR_2023)
    signed_off = [e.detail for e in events if e.action == "signed_off"]
    assert signed_off[0] == (f"{NORTH_YORKSHIRE}|council chief executive: Richard Flinton; "
                             "council s151 officer: Gary Fielding")
    assert sorted(d.partition("|")[0] for d in signed_off[1:]) == sorted(ICBS)
    rows = client.get("/api/areas", params={"year": YEAR_2023}).json()
    assert len(rows) == len(geography_2023().areas) == 153
    assert {r["code"]: r["status"] for r in rows}[NORTH_YORKSHIRE] == "assured"
    history = client.get(f"{PAGE}/history").text
    assert "E06000065, signed by the council chief executive: Richard Flinton; council s151 officer: Gary Fielding" \
        in history and "QOQ, signed by the icb chief executive: Chief 0" in history


def test_an_old_code_in_a_2023_year_names_its_successor(client: TestClient) -> None:
    log_in(client, BY_KEY["analyst"].email)
    old = client.get("/areas/E10000027", params={"year": YEAR_2023})
    assert old.status_code == 404
    assert "E10000027 is not an area in Better Care Fund 2025-26" in old.text
    assert "its area is E06000066 Somerset" in old.text
    assert f'href="/areas/E06000066?year={YEAR_2023}"' in old.text
    two = client.get("/areas/E10000021", params={"year": YEAR_2023})     # Northamptonshire: two successors
    assert two.status_code == 404 and "E06000061" in two.text and "E06000062" in two.text
    api = client.get("/api/areas/E10000027", params={"year": YEAR_2023})
    assert api.status_code == 404 and "E06000066" in api.json()["error"]["detail"]
    assert client.get("/areas/E06000066", params={"year": YEAR_2023}).status_code == 200
    before = client.get("/areas/E10000027", params={"year": "bcf-2015-16"})
    assert before.status_code == 200 and "Somerset" in before.text, "2015-16 still has the county"
    later = client.get("/areas/E06000066", params={"year": "bcf-2015-16"})
    assert later.status_code == 404 and 'href="/areas/E10000027?year=bcf-2015-16"' in later.text
    assert 'id="year-choice"' in later.text, "the page offers the other years"


def test_the_year_selector_keeps_the_year_and_the_dashboard_follows_its_geography(client: TestClient) -> None:
    log_in(client, BY_KEY["analyst"].email)
    home = client.get("/")
    assert 'id="year-choice"' in home.text and '<option value="bcf-2015-16" selected>' in home.text
    assert client.get("/", params={"year": YEAR_2023}).status_code == 200
    kept = client.get("/", params={"per_page": "all"})     # every area on one page of the dashboard
    assert f'<option value="{YEAR_2023}" selected>' in kept.text
    assert "North Yorkshire" in kept.text and "Cumberland" in kept.text and "Westmorland and Furness" in kept.text
    assert len(client.get("/api/areas").json()) == 153, "the session's year: 153 areas of 2023"
    assert len(client.get("/api/areas", params={"year": "bcf-2015-16"}).json()) == 151
    wrong = client.get("/", params={"year": "bcf-1999-00"})
    assert wrong.status_code == 422 and "unknown programme year" in wrong.text


def test_pages_open_on_the_latest_year_with_plans(client: TestClient, web_store: Store) -> None:
    store_draft_2023(web_store)
    log_in(client, BY_KEY["analyst"].email)
    assert f'<option value="{YEAR_2023}" selected>' in client.get("/").text
    assert "draft" in client.get(PAGE).text


def test_accounts_on_the_2023_geography(web_store: Store) -> None:
    nhs = geography_2023().icbs["E54000051"]        # Humber and North Yorkshire ICB by its ONS code
    lead = users.add_user(web_store, email="icb@x.test", password=PASSWORD, name="ICB", org_code=nhs.code,
                          org_kind="icb", role="partner_lead", areas=[])
    assert lead.org_code == "QOQ" and NORTH_YORKSHIRE in lead.areas
    council = users.add_user(web_store, email="somerset@x.test", password=PASSWORD, name="S",
                             org_code="E06000066", org_kind="la", role="partner_lead", areas=["E06000066"])
    assert council.areas == ("E06000066",)
    kept = users.add_user(web_store, email="old@x.test", password=PASSWORD, name="O", org_code="E10000027",
                          org_kind="la", role="partner_lead", areas=["E10000027"])
    assert kept.areas == ("E10000027",), "a 2015 county is still an area of the 2015-16 fund"
    with pytest.raises(InputError, match="not an ICB"):
        users.add_user(web_store, email="icb2@x.test", password=PASSWORD, name="I", org_code="QXX",
                       org_kind="icb", role="partner_lead", areas=[])
    with pytest.raises(NotFound, match="is not a Health and Wellbeing Board area code"):
        users.add_user(web_store, email="nowhere@x.test", password=PASSWORD, name="N", org_code="E06000066",
                       org_kind="la", role="partner_lead", areas=["E06099999"])
