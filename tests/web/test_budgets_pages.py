"""Issue 8 pages: personal budgets per area and per person, pooling scenarios, the HWB scorecard and the
dashboard's commissioning models, each with who may see what (own area, other area, national)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import quote

from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Funder
from carepool.budgets.spend import check_spend, spent_to_date
from carepool.money import total
from carepool.services import budgets, plans
from carepool.store.db import Store
from tests.web.conftest import OTHER, OWN, client_as
from tests.web.tables import values_only


def _person_in(budget_people: Dataset, area: str) -> str:
    return next(p.id for p in budget_people.people if p.area_code == area)


def test_the_area_page_lists_people_with_their_elements_and_alerts(with_budgets: Store,
                                                                   budget_people: Dataset) -> None:
    client = client_as(with_budgets, "pool_manager")   # person-level (tests/web/test_budgets_access.py)
    page = client.get(f"/areas/{OWN}/budgets")
    assert page.status_code == 200
    listed = re.findall(r'data-person="(P\d+)"', page.text)
    assert listed == sorted(p.id for p in budget_people.people if p.area_code == OWN)
    first = listed[0]
    budget = budget_people.accounts[first].budget
    row = re.search(rf'data-person="{first}">.*?</tr>', page.text, re.S)
    assert row
    for cls, amount in (("nhs", budget.nhs_element), ("care", budget.care_element),
                        ("contribution", budget.contribution)):
        assert f'{cls}">{amount}</td>' in unescape(values_only(row.group(0)))
    assert 'id="illustrative"' in page.text
    view = budgets.area_budgets(with_budgets, OWN)
    alerted = [r.person_id for r in view.rows if r.alert is not None]
    over = client.get(f"/areas/{OWN}/budgets", params={"alert": "any"}).text
    assert re.findall(r'data-person="(P\d+)"', over) == alerted
    assert client.get(f"/areas/{OWN}/budgets", params={"alert": "sideways"}).status_code == 422
    assert client.get(f"/areas/{OWN}/budgets", params={"as_of": "soon"}).status_code == 422


def test_the_person_page_shows_lines_payments_by_route_and_versions(with_budgets: Store,
                                                                    budget_people: Dataset) -> None:
    reviewed = next(p.id for p in budget_people.people if p.area_code == OWN
                    and len(budget_people.accounts[p.id].history.versions) > 1) if any(
        len(budget_people.accounts[p.id].history.versions) > 1 for p in budget_people.people if p.area_code == OWN
    ) else _person_in(budget_people, OWN)
    account = budget_people.accounts[reviewed]
    client = client_as(with_budgets, "pool_manager")
    page = client.get(f"/areas/{OWN}/budgets/{reviewed}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert re.findall(r'data-line="(L\d+)"', text) == [x.ref for x in account.budget.lines]
    assert re.findall(r'data-version="(\d+)"', text) == [str(v.number) for v in account.history.versions]
    for v in account.history.versions:
        assert v.by in text and v.reason in text
    routes = re.findall(r'data-route="(\w+)"', text)
    assert routes == [account.budget.route.value]
    assert f'id="ledger">{budgets.person_budget(with_budgets, OWN, reviewed).ledger_posted}<' in text
    pool_paid = sum(p.amount.pence for p in account.paid if p.funder is not Funder.PERSON)
    assert budgets.person_budget(with_budgets, OWN, reviewed).ledger_posted.pence == pool_paid
    if account.budget.contribution:
        assert "outside the pool" in text


def test_own_area_yes_other_area_403_and_a_person_only_in_their_own_area(with_budgets: Store,
                                                                         budget_people: Dataset) -> None:
    local = client_as(with_budgets, "pool_manager")
    other_person = _person_in(budget_people, OTHER)
    assert local.get(f"/areas/{OTHER}/budgets").status_code == 403
    assert local.get(f"/areas/{OTHER}/budgets/{other_person}").status_code == 403
    assert local.get(f"/areas/{OWN}/budgets/{other_person}").status_code == 404    # not in this area
    assert local.get(f"/areas/{OWN}/budgets/P99999").status_code == 404
    national = client_as(with_budgets, "assurer")      # sees totals anywhere, never a person (issue 16 item 10)
    assert national.get(f"/areas/{OTHER}/budgets").status_code == 200
    assert national.get(f"/areas/{OTHER}/budgets/{other_person}").status_code == 403
    assert national.get("/areas/E99999999/budgets").status_code == 404


def test_an_area_without_budgets_says_so(web_store: Store) -> None:
    page = client_as(web_store, "la_lead").get(f"/areas/{OWN}/budgets")
    assert page.status_code == 200 and 'id="none"' in page.text


def test_the_dashboard_links_areas_with_budgets(with_budgets: Store, budget_people: Dataset) -> None:
    page = client_as(with_budgets, "assurer").get("/", params={"q": OWN}).text
    count = sum(1 for p in budget_people.people if p.area_code == OWN)
    assert f'href="/areas/{OWN}/budgets">{count} personal budget' in page
    assert 'href="/scorecard"' in page and 'href="/scenarios"' in page


# scenarios ---------------------------------------------------------------------------------------
def test_scenarios_page_national_shows_england_chart_and_unverified_estimate(web_store: Store) -> None:
    client = client_as(web_store, "analyst")
    page = client.get("/scenarios", params={"base": "bcf-2015-16", "other": "whole-budget"})
    assert page.status_code == 200
    text = unescape(page.text)
    assert 'id="national"' in text and "<svg" in text and "<script" not in text.split("</main>")[0]
    assert len(re.findall(r'data-area="E\d+"', text)) == 151
    assert len(re.findall(r'data-rule="[\w-]+"', text)) == 3
    assert "Unverified estimate:</strong> CCG allocations, 2015-16 (£65,600.0m)" in text
    assert "Total pool † <span class=\"nhsuk-tag nhsuk-tag--orange\">unverified estimate</span>" in text
    assert "(unverified estimate) - NHS England" in text
    other = client.get("/scenarios", params={"base": "specific-services", "other": "percentage-of-budgets"})
    assert other.status_code == 200 and "percentage-of-budgets" in other.text


def test_scenarios_page_local_user_sees_only_their_own_area(web_store: Store) -> None:
    page = client_as(web_store, "la_lead").get("/scenarios").text
    assert re.findall(r'data-area="(E\d+)"', page) == [OWN]
    assert 'id="national"' not in page and "<svg" not in page.split('id="derived"')[1]
    partners = re.findall(r'data-partner="(\w+)"', page)
    assert OWN in partners and "03L" in partners and OTHER not in partners
    assert "unverified estimate" in page.lower()


def test_scenarios_refuses_unknown_ids_and_file_paths(web_store: Store) -> None:
    client = client_as(web_store, "analyst")
    for value in ("nonsense", "/etc/passwd.yaml", "../scenarios/data/whole-budget.yaml"):
        assert client.get("/scenarios", params={"other": value}).status_code == 422


# scorecard ---------------------------------------------------------------------------------------
def test_scorecard_ranks_areas_with_plans_and_scopes_rows(web_store: Store, workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    plans.import_workbook(web_store, workbooks["other"], actor="setup")
    national = values_only(client_as(web_store, "auditor").get("/scorecard").text)
    ranked = re.findall(r'data-area="(E\d+)"', national)
    assert sorted(ranked) == sorted([OWN, OTHER])
    assert len(re.findall(r'class="nhsuk-table__cell rank-interval">\d+ to \d+', national)) == 2
    local = client_as(web_store, "hwb_chair").get("/scorecard").text
    assert re.findall(r'data-area="(E\d+)"', local) == [OWN]


def test_scorecard_without_plans_says_so(web_store: Store) -> None:
    page = client_as(web_store, "admin").get("/scorecard")
    assert page.status_code == 200 and "No plans are stored yet" in page.text


# dashboard: commissioning models ------------------------------------------------------------------
def test_dashboard_shows_models_filters_by_them_and_counts_who_uses_which(web_store: Store,
                                                                          workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    plan = plans.get_plan(web_store, OWN, "bcf-2015-16").plan
    models = {p.model for p in plan.pools}
    client = client_as(web_store, "assurer")
    page = unescape(values_only(client.get("/", params={"per_page": "all"}).text))
    row = re.search(rf'data-area="{OWN}">.*?</tr>', page, re.S)
    assert row and all(m in row.group(0) for m in models)
    model = sorted(models)[0]
    used = re.search(rf'data-model="{re.escape(model)}">.*?numeric">(\d+)<', page, re.S)
    assert used and used.group(1) == "1"
    assert "150 areas without a plan" in page
    filtered = client.get("/", params={"model": model}).text
    assert re.findall(r'data-area="(E\d+)"', filtered) == [OWN]
    unused = client.get("/", params={"model": "lead commissioning" if model != "lead commissioning" else "x"}).text
    assert re.findall(r'data-area="(E\d+)"', unused) == []
    governance = sorted({p.governance for p in plan.pools})[0]
    assert re.findall(r'data-area="(E\d+)"', client.get("/", params={"governance": governance}).text) == [OWN]

    # the CSV download has the same models and governance columns and filters, and the page links to it so
    table = {r["code"]: r for r in csv.DictReader(io.StringIO(client.get("/dashboard.csv").text))}
    assert len(table) == 151
    assert table[OWN]["commissioning_models"] == "; ".join(dict.fromkeys(p.model for p in plan.pools))
    assert table[OWN]["governance"] == "; ".join(dict.fromkeys(p.governance for p in plan.pools))
    assert (table[OTHER]["commissioning_models"], table[OTHER]["governance"]) == ("", ""), "no plan: empty"
    by_model = list(csv.DictReader(io.StringIO(client.get("/dashboard.csv", params={"model": model}).text)))
    assert [r["code"] for r in by_model] == [OWN]
    assert list(csv.DictReader(io.StringIO(client.get("/dashboard.csv", params={"governance": "x"}).text))) == []
    link = re.search(r'href="(/dashboard\.csv\?[^"]+)"', unescape(client.get("/", params={"model": model}).text))
    assert link and f"model={quote(model)}" in link.group(1)
    assert [r["code"] for r in csv.DictReader(io.StringIO(client.get(link.group(1)).text))] == [OWN]


def test_the_new_pages_use_local_assets_plain_forms_and_no_inline_style(with_budgets: Store,
                                                                        budget_people: Dataset) -> None:
    client = client_as(with_budgets, "pool_manager")
    person = _person_in(budget_people, OWN)
    for path in (f"/areas/{OWN}/budgets", f"/areas/{OWN}/budgets/{person}", "/scenarios", "/scorecard", "/"):
        page = client.get(path)
        assert page.status_code == 200, path
        main = page.text.split('<main', 1)[1].split("</main>")[0]
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert all(s.startswith(("/", "#")) and not s.startswith("//") for s in sources), (path, sources)
        for form in re.findall(r"<form[^>]*>.*?</form>", page.text, re.S):
            assert 'method="get"' in form or 'name="csrf_token"' in form, (path, form[:120])
        assert "<script" not in main and "style=" not in main, path


def test_a_large_area_is_listed_50_a_page_with_links_that_keep_the_filter(web_store: Store) -> None:
    cohort = budgets.synthetic_dataset([OWN], 120, seed=21)
    before = budgets.area_budgets(web_store, OWN)
    budgets.load_dataset(web_store, cohort, actor="test")
    view = budgets.area_budgets(web_store, OWN)
    assert before.rows == [] and len(view.rows) == 120, "the cached list moved with the load"
    # the figures summed in SQL are the ones the core computes from the person's records
    for row in view.rows:
        account = cohort.accounts[row.person_id]
        spent = spent_to_date(cohort.spend, row.person_id, view.as_of)
        assert (row.nhs, row.care, row.contribution, row.total) == (
            account.budget.nhs_element, account.budget.care_element, account.budget.contribution,
            account.budget.total)
        assert (row.paid, row.spent, row.versions) == (total(p.amount for p in account.paid), spent,
                                                       len(account.history.versions))
        assert row.alert == check_spend(account.budget, spent, view.as_of)

    client = client_as(web_store, "pool_manager")
    everyone = sorted(p.id for p in cohort.people)
    pages = [client.get(f"/areas/{OWN}/budgets", params={"page": n}) for n in (1, 2, 3)]
    listed = [re.findall(r'data-person="(P\d+)"', p.text) for p in pages]
    assert [len(x) for x in listed] == [50, 50, 20] and [p for x in listed for p in x] == everyone
    first, last = (unescape(p.text) for p in (pages[0], pages[2]))
    assert "1 to 50 of 120 shown" in first and 'rel="prev"' not in first
    assert f'href="/areas/{OWN}/budgets?page=2" rel="next"' in first
    assert f'href="/areas/{OWN}/budgets?page=2" rel="prev"' in last and 'rel="next"' not in last
    assert "All 120 people" in last, "the totals are of everyone, not the page"
    beyond = client.get(f"/areas/{OWN}/budgets", params={"page": 99})
    assert re.findall(r'data-person="(P\d+)"', beyond.text) == listed[2], "past the end: the last page"
    assert client.get(f"/areas/{OWN}/budgets", params={"page": 0}).status_code == 422

    # a filter and a date are kept by the links, and pages count the matching people only
    within = [r.person_id for r in budgets.area_budgets(web_store, OWN, as_of=date(2015, 12, 31)).rows
              if r.alert is None]
    assert len(within) > 50
    params = {"alert": "none", "as_of": "2015-12-31"}
    one = unescape(client.get(f"/areas/{OWN}/budgets", params=params).text)
    assert re.findall(r'data-person="(P\d+)"', one) == within[:50]
    assert f'href="/areas/{OWN}/budgets?alert=none&as_of=2015-12-31&page=2" rel="next"' in one
    assert f"1 to 50 of {len(within)} shown" in one
    two = client.get(f"/areas/{OWN}/budgets", params={**params, "page": 2}).text
    assert re.findall(r'data-person="(P\d+)"', two) == within[50:100]
