"""A two-year programme (2023-25) on the dashboard, its CSV, the JSON API and the money pages: each
plan year's pooled money is shown beside the whole-plan figure (which says it is the whole plan),
so nobody compares a two-year total with a one-year programme's annual pool. Totals across areas
per plan year are exact: the sum of the plans' own per-year figures."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import available_programmes, load_programme
from carepool.services import dashboard, plans, users
from carepool.store.db import Store
from carepool.web import amounts, api
from tests.web.conftest import BY_KEY, OWN, PASSWORD, log_in
from tests.web.test_plan_years_web import _client

YEAR = "bcf-2023-25"
SOMERSET = "E06000066"     # a unitary council from April 2023 (the 2023 geography)
LABELS = ("2023-24", "2024-25")


@pytest.fixture
def client_2325(web_store: Store) -> Iterator[TestClient]:
    yield from _client(web_store, YEAR)


@pytest.fixture
def two_plans(web_store: Store) -> dict[str, Plan]:
    """Somerset's and Rotherham's 2023-25 plans (drafts: the dashboard shows an area's latest plan)."""
    year = load_programme(YEAR)
    out: dict[str, Plan] = {}
    for seed, code in enumerate((SOMERSET, OWN), start=3):
        plan = replace(synthetic_plan_2023(code, year, seed=seed), illustrative=False)
        plans.import_plan(web_store, plan, actor="setup")
        out[code] = plan
    return out


def _in_year(plan: Plan, label: str) -> int:
    return sum(line.amount.pence for line in plan.funding if line.plan_year == label)


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr [^>]*data-area="{code}".*?</tr>', html, re.S)
    assert found, f"no row for {code}"
    return found.group(0)


def _cell_pence(row: str, key: str) -> int:
    found = re.search(rf'<td class="[^"]*\b{key}">.*?data-pence="(-?\d+)"', row, re.S)
    assert found, f"no {key} cell in {row}"
    return int(found.group(1))


def _codes(html: str) -> list[str]:
    return re.findall(r'data-area="(E\d+)"', html)


def test_the_dashboard_shows_each_plan_years_pool_beside_the_whole_plan(client_2325: TestClient,
                                                                       two_plans: dict[str, Plan]) -> None:
    somerset = two_plans[SOMERSET]
    assert [label for label, _ in somerset.pooled_by_plan_year] == list(LABELS)
    log_in(client_2325, BY_KEY["assurer"].email)
    page = client_2325.get("/", params={"per_page": "all"})
    assert page.status_code == 200, page.text
    html = unescape(page.text)
    row = _row(html, SOMERSET)
    assert _cell_pence(row, "pooled_2023_24") == _in_year(somerset, "2023-24") == \
        dict(somerset.pooled_by_plan_year)["2023-24"].pence
    assert _cell_pence(row, "pooled_2024_25") == _in_year(somerset, "2024-25")
    assert _cell_pence(row, "pooled") == somerset.pooled_total.pence
    assert _in_year(somerset, "2023-24") < somerset.pooled_total.pence, "a year is not the whole plan"
    headers = {k: re.sub(r"<[^>]+>", "", v) for k, v in
               re.findall(r'<th [^>]*data-sort="(\w+)"[^>]*>(.*?)</th>', html, re.S)}
    assert headers["pooled_2023_24"] == "Pool 2023-24" and headers["pooled_2024_25"] == "Pool 2024-25"
    assert headers["pooled"] == "Pool, whole plan 2023-25"

    checked = 0
    for label in LABELS:      # exact totals across the areas: the sum of the plans' own per-year figures
        key = f"pooled_{label.replace('-', '_')}"
        expected = sum(_in_year(p, label) for p in two_plans.values())
        assert re.search(rf'data-total="{key}">{re.escape(amounts.exact(expected))}<', html), label
        checked += 1
    assert checked == 2
    whole = sum(p.pooled_total.pence for p in two_plans.values())
    assert re.search(rf'data-total="pooled">{re.escape(amounts.exact(whole))}<', html)
    count = " ".join(re.search(r'<p class="nhsuk-body" id="count">(.*?)</p>', html, re.S).group(1).split())  # type: ignore[union-attr]
    assert "pooled in 2023-24" in count and "over the whole plan 2023-25" in count


def test_the_dashboard_sorts_by_a_plan_years_pool(client_2325: TestClient, two_plans: dict[str, Plan]) -> None:
    log_in(client_2325, BY_KEY["assurer"].email)
    page = client_2325.get("/", params={"sort": "pooled_2024_25", "order": "desc"})
    assert page.status_code == 200, page.text
    expected = sorted(two_plans, key=lambda code: -_in_year(two_plans[code], "2024-25"))
    assert _codes(page.text)[:2] == expected
    assert "sorted by Pool 2024-25 (descending)" in unescape(page.text)
    refused = client_2325.get("/", params={"sort": "pooled_2015_16"})
    assert refused.status_code == 422 and "pooled_2023_24" in refused.text


def test_the_csv_has_each_plan_years_pool_to_the_penny(client_2325: TestClient, two_plans: dict[str, Plan]) -> None:
    log_in(client_2325, BY_KEY["assurer"].email)
    rows = list(csv.DictReader(io.StringIO(client_2325.get("/dashboard.csv").text)))
    somerset = two_plans[SOMERSET]
    row = next(r for r in rows if r["code"] == SOMERSET)
    assert row["pooled_2023_24_gbp"] == Money(_in_year(somerset, "2023-24")).plain()
    assert row["pooled_2024_25_gbp"] == Money(_in_year(somerset, "2024-25")).plain()
    assert row["pooled_whole_plan_gbp"] == somerset.pooled_total.plain()
    assert "pooled_gbp" not in row, "a two-year programme's CSV names the whole-plan column as such"


def test_a_one_year_programmes_dashboard_is_unchanged(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    header = client.get("/dashboard.csv").text.splitlines()[0].split(",")
    assert "pooled_gbp" in header and not any(h.startswith("pooled_20") for h in header)
    assert 'data-sort="pooled_20' not in client.get("/").text


def test_the_api_gives_each_plan_years_pool(client_2325: TestClient, two_plans: dict[str, Plan]) -> None:
    log_in(client_2325, BY_KEY["assurer"].email)
    listed = client_2325.get("/api/areas", params={"sort": "pooled_2023_24", "order": "desc"})
    assert listed.status_code == 200, listed.text
    rows = {r["code"]: r for r in listed.json()}
    somerset = two_plans[SOMERSET]
    assert rows[SOMERSET]["pooled_by_plan_year"] == {label: _in_year(somerset, label) for label in LABELS}
    assert rows[SOMERSET]["pooled_pence"] == somerset.pooled_total.pence
    assert [r["code"] for r in listed.json()][:2] == sorted(two_plans, key=lambda c: -_in_year(two_plans[c], "2023-24"))

    one = client_2325.get(f"/api/areas/{SOMERSET}").json()["plan"]
    assert one["pooled_pence"] == somerset.pooled_total.pence
    assert one["pooled_by_plan_year"] == {label: _in_year(somerset, label) for label in LABELS}
    scheme = somerset.schemes[0]
    assert one["schemes"][0]["amounts_by_plan_year"] == {label: m.pence for label, m in scheme.amounts}


def test_the_money_page_shows_a_chosen_plan_year(client_2325: TestClient, two_plans: dict[str, Plan]) -> None:
    log_in(client_2325, BY_KEY["assurer"].email)
    for label in LABELS:
        expected = sum(_in_year(p, label) for p in two_plans.values())
        page = unescape(client_2325.get("/money", params={"plan_year": label}).text)
        total = re.search(r'id="money-total">(.*?)</p>', page, re.S)
        assert total and f"in {label}" in total.group(1) and amounts.exact(expected) in total.group(1), label
        stream = re.search(r'<section class="carepool-chart" id="by-stream">.*?</section>', page, re.S)
        assert stream and amounts.exact(expected) in stream.group(0)
    default = unescape(client_2325.get("/money").text)
    years = re.search(r'id="plan-years">(.*?)</', default, re.S)
    assert years, "a two-year programme's money page lists each plan year and the whole plan"
    for label in LABELS:
        assert amounts.exact(sum(_in_year(p, label) for p in two_plans.values())) in default
    assert amounts.exact(sum(p.pooled_total.pence for p in two_plans.values())) in default
    whole = unescape(client_2325.get("/money", params={"plan_year": "whole"}).text)
    assert "over the whole plan" in re.search(r'id="money-total">(.*?)</p>', whole, re.S).group(1)  # type: ignore[union-attr]
    area = unescape(client_2325.get(f"/areas/{SOMERSET}/money", params={"plan_year": "2024-25"}).text)
    assert amounts.exact(_in_year(two_plans[SOMERSET], "2024-25")) in area
    assert client_2325.get("/money", params={"plan_year": "2015-16"}).status_code == 422


def test_the_apis_sort_keys_name_every_two_year_programmes_plan_years() -> None:
    keys = {key for year in available_programmes() for key in dashboard.plan_year_sort_keys(year)}
    assert {"pooled_2023_24", "spend_2024_25", "paid_to_acute_2017_18"} <= keys
    assert keys and set(dashboard.PLAN_YEAR_SORTS) == keys
    assert set(get_args(api.Sort)) == {*dashboard.SORTS, *keys}


def test_an_account_of_somersets_old_code_sees_somerset_in_2023_25(client_2325: TestClient, web_store: Store,
                                                                   two_plans: dict[str, Plan]) -> None:
    users.add_user(web_store, email="lead@somerset.test", password=PASSWORD, name="Somerset lead",
                   org_code="E10000027", org_kind="la", role="partner_lead", areas=["E10000027"])
    log_in(client_2325, "lead@somerset.test")
    assert _codes(client_2325.get("/", params={"per_page": "all"}).text) == [SOMERSET]
    page = client_2325.get(f"/areas/{SOMERSET}")
    assert page.status_code == 200 and "Somerset" in page.text
    assert client_2325.get(f"/areas/{OWN}").status_code in (403, 404), "not another area"
