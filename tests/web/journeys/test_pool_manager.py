"""The pool manager's journey in Chromium on PostgreSQL: upload a payments file with a bad row, fix
it, read the statements and download one, record the risk share, close a quarter, settle the year,
reconcile with the host's ledger and read the year end. axe and no overflow on every page."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.plans.model import Plan
from carepool.services import ledger
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, person, serve
from tests.web.conftest import OWN, YEAR
from tests.web.pool_setup import funded, host_files, payments_csv

pytestmark = pytest.mark.postgres
NAV = "#pool-nav"


@pytest.fixture(scope="module")
def plan(journey_store: Store) -> Plan:
    return funded(journey_store)


@pytest.fixture(scope="module")
def base_url(journey_store: Store, plan: Plan) -> Iterator[str]:
    with serve(journey_store) as url:
        yield url


def test_the_pool_manager_works_the_books_through_the_year(browser: Browser, base_url: str, shots: Path,
                                                           journey_store: Store, plan: Plan,
                                                           tmp_path: Path) -> None:
    page = person(browser, base_url, "pool_manager")
    page.goto(f"/areas/{OWN}")
    page.click("#pool-books")
    page.wait_for_url(f"**/areas/{OWN}/ledger")
    assert "Assured; pools P1" in page.inner_text("#books-summary")
    check(page, shots, "01-books")

    page.click(f"{NAV} a:has-text('Upload payments')")
    page.wait_for_url("**/ledger/payments")
    check(page, shots, "02-payments")
    before = len(ledger.area_transactions(journey_store, OWN))
    page.set_input_files("#payments", str(payments_csv(tmp_path / "spend.csv", plan, bad=True)))
    with page.expect_navigation():
        page.click("button:has-text('Check and post')")
    rows = page.locator("#findings tr.finding")
    assert rows.count() == 2
    assert [rows.nth(i).locator(".finding-row").inner_text() for i in range(2)] == ["3", "4"]
    assert "twelve pounds" in rows.nth(1).inner_text()
    assert len(ledger.area_transactions(journey_store, OWN)) == before
    check(page, shots, "03-payments-refused")
    page.set_input_files("#payments", str(payments_csv(tmp_path / "spend.csv", plan, bad=False)))
    page.click("button:has-text('Check and post')")
    page.wait_for_url("**/ledger/payments?posted=3*")
    assert "Posted 3 payment(s), £1,662.85 in all" in page.inner_text("#done")
    check(page, shots, "04-payments-posted")

    page.click(f"{NAV} a:has-text('Statements')")
    page.wait_for_url("**/ledger/statements")
    assert page.locator("#table-scheme tbody tr").count() == len(plan.schemes)
    check(page, shots, "05-statements")
    with page.expect_download() as download:
        page.click("#statement-scheme a:has-text('CSV')")
    with open(download.value.path(), newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["pool", "scheme", "name", "budget", "spent", "remaining", "payments"]
    first = next(r for r in lines if r[1] == plan.schemes[0].ref)
    assert first[4] == "1212.35" and first[6] == "2"

    page.click(f"{NAV} a:has-text('Risk-share agreement')")
    page.wait_for_url("**/ledger/risk-share")
    page.check("#kind-P1-fixed")
    page.fill(f"#weight-P1-{OWN}", "1")
    page.fill("#weight-P1-03L", "3")
    page.fill("#carry-P1", "10")
    page.click("button:has-text('Record the agreement for P1')")
    page.wait_for_url("**/ledger/risk-share?done=recorded-P1")
    assert f"fixed: {OWN} 1, 03L 3; 10%" in page.inner_text("#agreements")
    check(page, shots, "06-risk-share")

    page.click(f"{NAV} a:has-text('Period close')")
    page.wait_for_url("**/ledger/periods")
    page.select_option("#period", "2015Q1")
    page.click("button:has-text('Close the period')")
    page.wait_for_url("**/ledger/periods?done=closed-2015Q1")
    assert "2015Q1" in page.inner_text("#closed-periods")
    check(page, shots, "07-period-closed")

    page.click(f"{NAV} a:has-text('Settlement and carry-forward')")
    page.wait_for_url("**/ledger/settlement")
    assert page.locator("#settlement tr.settlement-row").count() == len(plan.pools)
    check(page, shots, "08-settlement-preview")
    page.click("button:has-text('Settle and close')")
    page.wait_for_url("**/ledger/settlement?done=settled")
    assert "is settled and closed" in page.inner_text("#closed")
    assert "2015-16" in [c.period.label for c in ledger.closed_periods(journey_store, OWN)]
    check(page, shots, "09-settled")

    page.click(f"{NAV} a:has-text('Reconcile with the host ledger')")
    page.wait_for_url("**/ledger/reconcile")
    check(page, shots, "10-reconcile")
    extract, mapping = host_files(journey_store, plan, tmp_path, off_by=25_00)
    page.set_input_files("#extract", str(extract))
    page.set_input_files("#mapping", str(mapping))
    with page.expect_navigation():
        page.click("button:has-text('Reconcile')")
    assert "1 month/scheme total(s) differ" in page.inner_text("#outcome")
    assert page.locator("#unmatched tr.difference").count() == 1 and page.locator("#matched tr.match").count() > 10
    check(page, shots, "11-reconciled")

    page.click(f"{NAV} a:has-text('Year-end statement')")
    page.wait_for_url("**/ledger/year-end")
    assert "Risk-share settlement (revenue)" in page.inner_text("main")
    check(page, shots, "12-year-end")
    assert YEAR in page.inner_text("h1")


def test_the_pool_pages_work_without_javascript(browser: Browser, base_url: str, plan: Plan,
                                                 tmp_path: Path) -> None:
    """The same forms with JavaScript off: a refused payments file is shown beside its rows, a file
    input and a plain POST are all a page needs."""
    page = person(browser, base_url, "pool_manager", javascript=False)
    page.goto(f"/areas/{OWN}/ledger/payments")
    page.set_input_files("#payments", str(payments_csv(tmp_path / "nojs.csv", plan, bad=True)))
    with page.expect_navigation():
        page.click("button:has-text('Check and post')")
    assert page.locator("#findings tr.finding").count() == 2
    page.goto(f"/areas/{OWN}/ledger/statements")
    assert page.locator("#table-pool tbody tr").count() > 0
    page.context.close()


@pytest.mark.parametrize("key", ["pool_manager", "auditor"])
def test_every_pool_page_fits_a_phone(browser: Browser, base_url: str, shots: Path, key: str) -> None:
    """At 390 px no pool page runs past the right edge (wide tables scroll in their own box) and axe is clean."""
    page = person(browser, base_url, key, viewport=PHONE)
    pages = ["", "/statements", "/risk-share", "/periods", "/settlement", "/year-end"]
    pages += ["/payments", "/reconcile"] if key == "pool_manager" else []
    for i, path in enumerate(pages):
        page.goto(f"/areas/{OWN}/ledger{path}")
        assert page.locator("h1").count() == 1, path
        check(page, shots, f"phone-{key}-{i:02d}{path.replace('/', '-')}")
    assert i == len(pages) - 1
    page.context.close()
