"""A two-year programme's (2023-25) spend, performance sum earned and payments to hospitals on the
dashboard, its CSV and the JSON API: each plan year's figure from the books (by the date of each
posting) beside the whole-plan figure, named as such, so no reader sets a year's pool beside two
years' spend. The whole-plan figure is the sum of the plan years to the penny, and books dated
outside the plan (another programme's year) are in neither.

Reproduction: before this, "Spend", "Performance sum earned" and "Paid to hospitals" were the
area's whole books, unlabelled, beside the per-year pool columns."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

from fastapi.testclient import TestClient

from carepool.ledger import accounts as acc
from carepool.ledger.transactions import transaction, transfer
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.services import ledger
from carepool.store.db import Store
from carepool.web import amounts
from tests.web.conftest import BY_KEY, OWN, log_in
from tests.web.test_dashboard_plan_years import SOMERSET, _cell_pence, _row, client_2325, two_plans  # noqa: F401

MEASURES = ("spend", "earned", "paid_to_acute")
# (area, date, spend, earned, paid to hospitals) in pence; 2022-05-01 is before the 2023-25 plan
BOOKED = ((SOMERSET, date(2023, 6, 30), 1_000_001, 40_000, 5_000),
          (SOMERSET, date(2024, 3, 31), 20_000, 0, 1_000),       # the last day of 2023-24
          (SOMERSET, date(2024, 4, 1), 300_003, 7_000, 0),         # the first day of 2024-25
          (SOMERSET, date(2022, 5, 1), 999_999, 9_999, 9_999),     # 2022-23: not in this plan
          (OWN, date(2024, 9, 30), 123_456, 2_000, 3_000))
EXPECTED = {SOMERSET: {"spend": (1_020_001, 300_003), "earned": (40_000, 7_000), "paid_to_acute": (6_000, 0)},
            OWN: {"spend": (0, 123_456), "earned": (0, 2_000), "paid_to_acute": (0, 3_000)}}


def _book(store: Store) -> None:
    batch = []
    for n, (area, on, spend, earned, paid) in enumerate(BOOKED):
        batch.append(transaction(
            f"test-books:{area}:{n}", area, "P1", on, "spend", "test spend and performance",
            transfer(acc.scheme_spend("S1"), acc.FUND, spend) + transfer(acc.RELEASED, acc.HELD_BACK, earned)
            + transfer(acc.PAID_TO_ACUTE, acc.HELD_BACK, paid)))
    ledger.post_batch(store, batch, "test books", actor="setup")


def test_the_dashboard_shows_each_plan_years_books_beside_the_whole_plan(
        client_2325: TestClient, two_plans: dict[str, Plan], web_store: Store) -> None:  # noqa: F811
    _book(web_store)
    log_in(client_2325, BY_KEY["assurer"].email)
    page = client_2325.get("/", params={"per_page": "all"})
    assert page.status_code == 200, page.text
    html = unescape(page.text)
    checked = 0
    for code, measures in EXPECTED.items():
        row = _row(html, code)
        for measure, (first, second) in measures.items():
            assert _cell_pence(row, f"{measure}_2023_24") == first, (code, measure)
            assert _cell_pence(row, f"{measure}_2024_25") == second, (code, measure)
            assert _cell_pence(row, measure) == first + second, (code, measure)
            checked += 1
    assert checked == 6
    headers = {k: re.sub(r"<[^>]+>", "", v) for k, v in
               re.findall(r'<th [^>]*data-sort="(\w+)"[^>]*>(.*?)</th>', html, re.S)}
    assert headers["spend_2023_24"] == "Spend 2023-24" and headers["spend"] == "Spend, whole plan 2023-25"
    assert headers["earned_2024_25"] == "Performance sum earned 2024-25"
    assert headers["paid_to_acute"] == "Paid to hospitals, whole plan 2023-25"
    for measure in MEASURES:     # exact totals across areas: each plan year's, and the whole plan's their sum
        years = [sum(EXPECTED[c][measure][i] for c in EXPECTED) for i in (0, 1)]
        for key, pence in ((f"{measure}_2023_24", years[0]), (f"{measure}_2024_25", years[1]),
                           (measure, sum(years))):
            assert re.search(rf'data-total="{key}">{re.escape(amounts.exact(pence))}<', html), key
    count = " ".join(re.search(r'id="count">(.*?)</p>', html, re.S).group(1).split())  # type: ignore[union-attr]
    assert "spent in 2023-24" in count and "spent over the whole plan 2023-25" in count
    notes = " ".join(re.search(r'id="books-by-year">(.*?)</p>', html, re.S).group(1).split())  # type: ignore[union-attr]
    assert "date" in notes and "2022-23" not in notes


def test_the_dashboard_sorts_by_a_plan_years_spend(client_2325: TestClient, two_plans: dict[str, Plan],  # noqa: F811
                                                  web_store: Store) -> None:
    _book(web_store)
    log_in(client_2325, BY_KEY["assurer"].email)
    for key, first in (("spend_2023_24", SOMERSET), ("spend_2024_25", SOMERSET), ("paid_to_acute_2024_25", OWN)):
        page = client_2325.get("/", params={"sort": key, "order": "desc"})
        assert page.status_code == 200, page.text
        assert re.findall(r'data-area="(E\d+)"', page.text)[0] == first, key
    listed = client_2325.get("/api/areas", params={"sort": "earned_2024_25", "order": "desc"})
    assert listed.status_code == 200, listed.text
    assert listed.json()[0]["code"] == SOMERSET


def test_the_csv_and_api_give_each_plan_years_books_to_the_penny(
        client_2325: TestClient, two_plans: dict[str, Plan], web_store: Store) -> None:  # noqa: F811
    _book(web_store)
    log_in(client_2325, BY_KEY["assurer"].email)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(client_2325.get("/dashboard.csv").text))}
    api_rows = {r["code"]: r for r in client_2325.get("/api/areas").json()}
    checked = 0
    for code, measures in EXPECTED.items():
        for measure, (first, second) in measures.items():
            assert rows[code][f"{measure}_2023_24_gbp"] == Money(first).plain()
            assert rows[code][f"{measure}_2024_25_gbp"] == Money(second).plain()
            assert rows[code][f"{measure}_whole_plan_gbp"] == Money(first + second).plain()
            assert f"{measure}_gbp" not in rows[code], "the whole-plan column is named as such"
            assert api_rows[code][f"{measure}_by_plan_year"] == {"2023-24": first, "2024-25": second}
            assert api_rows[code][f"{measure}_pence"] == first + second
            checked += 1
    assert checked == 6
