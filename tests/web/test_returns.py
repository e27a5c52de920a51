"""Quarterly returns on the web: the page, the form (no JavaScript needed), the API, and who may submit."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn, ReturnRecord
from carepool.programme import load_programme
from carepool.services import ledger, performance, plans, returns
from carepool.store.db import Store
from carepool.web import create_app
from carepool.web.render import TEMPLATES
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, assure_plan, log_in, return_form, settings
from tests.web.tables import values_only


def _assured(store: Store, workbook: Path) -> None:
    assure_plan(store, workbook)
    ledger.post_contributions(store, YEAR)


@pytest.fixture
def assured_client(web_store: Store, workbooks: dict[str, Path]) -> TestClient:
    _assured(web_store, workbooks["valid"])
    return TestClient(create_app("unused://", settings=settings(), store=web_store))


def _complete(values: dict[str, str], admissions: int) -> dict[str, str]:
    out = dict(values, admissions=str(admissions), delayed_days="1,050", narrative="Discharge team at full strength.")
    for c in load_programme(YEAR).conditions:
        out[f"conditions.{c.id}"] = "yes"
    return out


def test_a_pool_manager_submits_a_return_in_the_browser(web_store: Store, assured_client: TestClient) -> None:
    with assured_client as client:
        log_in(client, BY_KEY["pool_manager"].email)
        token, values, _ = return_form(client)
        assert values["quarter"] == "2015Q1"
        pool_fields = [k for k in values if k.startswith("pools.")]
        assert pool_fields and all(values[k] for k in pool_fields if k.endswith("income_to_date"))  # from the books
        baseline = plans.get_plan(web_store, OWN, YEAR).plan.ambition.baseline_quarters[0]
        sent = client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token, **_complete(values, baseline - 30)},
                           follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == f"/areas/{OWN}/returns?done=2015Q1-v1"
        page = client.get(sent.headers["location"]).text
        row = re.search(r'<tr class="nhsuk-table__row" data-quarter="2015Q1">.*?</tr>', page, re.S)
        assert row and f"{baseline - 30:,}" in row.group(0) and "pool@rotherham.test" in row.group(0)
        assert ">1,050<" in row.group(0) and "No (late)" in row.group(0)       # submitted today, due Aug 2015
        assert page.count("No return yet") == 3
        q1 = client.get(f"/areas/{OWN}/performance").text
        assert re.search(rf'class="[^"]*--numeric actual">{baseline - 30:,}<', values_only(q1))
        area = client.get(f"/areas/{OWN}").text             # the area page lists it, with the way to the next
        listed = re.search(r'<ul[^>]*id="area-returns">.*?</ul>', area, re.S)
        assert listed and "2015-16 Q1: version 1" in listed.group(0) and "(late)" in listed.group(0)
        assert f'href="/areas/{OWN}/returns/new"' in area and f'href="/areas/{OWN}/plan/edit"' in area
    stored = returns.list_returns(web_store, OWN, YEAR)
    assert [(r.version, r.submitted_by, r.document.delayed_days) for r in stored] == [(1, "pool@rotherham.test", 1050)]
    assert performance.performance_quarters(web_store, OWN, YEAR)[0].return_version == 1


def test_findings_are_shown_beside_their_fields_and_nothing_is_stored(web_store: Store,
                                                                     assured_client: TestClient) -> None:
    with assured_client as client:
        log_in(client, BY_KEY["la_lead"].email)
        token, values, _ = return_form(client)
        data = _complete(values, 7000)
        data["admissions"] = "-4"
        data["conditions.NC3"] = "no"
        del data["conditions.NC5"]
        pool = next(k for k in values if k.endswith(".expenditure_to_date") and k.startswith("pools."))
        data[pool] = "12.345"
        sent = client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token, **data})
        assert sent.status_code == 422
        html = sent.text
        summary = html.index('class="nhsuk-error-summary"')
        assert summary < html.index(f'<form method="post" action="/areas/{OWN}/returns/new"')   # at the top
        assert re.findall(r'<li class="finding" data-rule="([^"]+)" data-severity="error">', html) == [
            "return.money", "return.negative", "return.condition-comment", "return.condition-missing"]
        for name in ("admissions", "conditions.NC3.comment", "conditions.NC5", pool):
            ident = "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
            assert f'<a href="#{ident}">' in html
            assert f'<span class="nhsuk-error-message" id="{ident}-error">' in html
        assert 'nhsuk-input nhsuk-input--width-10 nhsuk-input--error" id="f-admissions" name="admissions" ' \
               'type="text" inputmode="numeric" value="-4" aria-describedby="f-admissions-error"' in html
        assert "Discharge team at full strength." in html                   # what was typed is kept
    assert returns.list_returns(web_store, OWN, YEAR) == []


def test_only_submitters_of_their_own_area(web_store: Store, assured_client: TestClient) -> None:
    with assured_client as client:
        token = log_in(client, BY_KEY["hwb_chair"].email)
        assert client.get(f"/areas/{OWN}/returns").status_code == 200
        assert "new-return" not in client.get(f"/areas/{OWN}/returns").text
        assert client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token}).status_code == 403
        client.cookies.clear()
        token = log_in(client, BY_KEY["ccg_lead"].email)
        assert 'id="new-return"' in client.get(f"/areas/{OWN}/returns").text
        assert client.get(f"/areas/{OTHER}/returns/new").status_code == 403
        assert client.post(f"/areas/{OTHER}/returns/new", data={"csrf_token": token}).status_code == 403
        assert client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": "forged"}).status_code == 403
    assert returns.list_returns(web_store, OWN, YEAR) == []


def _api_body(web_store: Store, admissions: int) -> dict[str, object]:
    plan = plans.get_plan(web_store, OWN, YEAR).plan
    pools, _ = returns.finance_to_date(web_store, plan, "2015Q2")
    return {"quarter": "2015-16 Q2", "non_elective_admissions": admissions, "delayed_days": 800,
            "pools": [{"pool": p.pool, "income_to_date_pence": p.income_to_date.pence,
                       "expenditure_to_date": p.expenditure_to_date.plain()} for p in pools],
            "conditions": [{"id": c.id, "met": True} for c in load_programme(YEAR).conditions],
            "narrative": "Q2."}


def test_the_api_lists_and_submits_with_the_csrf_header(web_store: Store, assured_client: TestClient) -> None:
    with assured_client as client:
        log_in(client, BY_KEY["la_lead"].email)
        token = client.get("/api/me").json()["csrf_token"]
        body = _api_body(web_store, 6500)
        assert client.post(f"/api/areas/{OWN}/returns", json=body).status_code == 403          # no CSRF header
        made = client.post(f"/api/areas/{OWN}/returns", json=body, headers={"X-CSRF-Token": token})
        assert made.status_code == 201, made.text
        out = made.json()
        assert (out["quarter"], out["label"], out["version"], out["non_elective_admissions"]) == (
            "2015Q2", "2015-16 Q2", 1, 6500)
        assert out["submitted_by"] == "la-lead@rotherham.test" and out["on_time"] is False
        fixed = client.post(f"/api/areas/{OWN}/returns", json={**body, "non_elective_admissions": 6400},
                            headers={"X-CSRF-Token": token})
        assert fixed.status_code == 201 and fixed.json()["version"] == 2

        bad = client.post(f"/api/areas/{OWN}/returns", json={"quarter": "2019Q1", "pools": []},
                          headers={"X-CSRF-Token": token})
        assert bad.status_code == 422
        error = bad.json()["error"]
        assert error["status"] == 422 and "not stored" in error["detail"]
        rules = {f["rule"] for f in error["findings"]}
        assert {"return.quarter", "return.pool-missing", "return.admissions-missing",
                "return.condition-missing"} <= rules
        listed = client.get(f"/api/areas/{OWN}/returns").json()
        assert [(r["quarter"], r["version"], r["non_elective_admissions"]) for r in listed] == [
            ("2015Q2", 1, 6500), ("2015Q2", 2, 6400)]
        assert client.post(f"/api/areas/{OTHER}/returns", json=body,
                           headers={"X-CSRF-Token": token}).status_code == 403
        client.cookies.clear()
        log_in(client, BY_KEY["auditor"].email)
        assert len(client.get(f"/api/areas/{OWN}/returns").json()) == 2                      # national: read
        token = client.get("/api/me").json()["csrf_token"]
        assert client.post(f"/api/areas/{OWN}/returns", json=body,
                           headers={"X-CSRF-Token": token}).status_code == 403
    q2 = performance.performance_quarters(web_store, OWN, YEAR)[1]
    assert (q2.actual, q2.return_version) == (6400, 2)


def test_the_area_partial_lists_returns_given_returns() -> None:
    record = ReturnRecord(
        7, 2, QuarterlyReturn(OWN, YEAR, "2015Q3", (), (), 100, 5, (ConditionAnswer("NC1", True),)),
        "pool@rotherham.test", datetime(2016, 2, 1, 9, 0, tzinfo=UTC), load_programme(YEAR).deadlines[6][1])
    html = TEMPLATES.get_template("_area_returns.html").render(returns=[record])
    assert 'data-quarter="2015Q3">2015-16 Q3: version 2, submitted 01 Feb 2016 by pool@rotherham.test (on time)' in html
    assert f'href="/areas/{OWN}/returns"' in html
    assert "No quarterly returns yet." in TEMPLATES.get_template("_area_returns.html").render(returns=[])
