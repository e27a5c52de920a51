"""The national assurer's journey in Chromium on PostgreSQL: the dashboard (sort by a column, the next
page, a filter), an area page, where the money goes, the map, the scorecard and scenarios pages, and
assuring a submitted plan. axe and no horizontal overflow on every page, on a desktop and on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services import plans
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, person, serve
from tests.web.conftest import OTHER, OWN, YEAR

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def base_url(journey_store: Store, workbooks: dict[str, Path]) -> Iterator[str]:
    """Own area's plan signed off by both partners and the board and submitted; the other area a draft."""
    record = plans.import_workbook(journey_store, workbooks["valid"], actor="setup")
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(journey_store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(journey_store, OWN, YEAR, actor="setup")
    plans.submit(journey_store, OWN, YEAR, actor="setup")
    plans.import_workbook(journey_store, workbooks["other"], actor="setup")
    with serve(journey_store) as url:
        yield url


def test_the_national_assurer_reviews_the_country_and_assures_a_plan(browser: Browser, base_url: str,
                                                                    shots: Path) -> None:
    page = person(browser, base_url, "assurer")
    assert page.inner_text("h1") == "National dashboard"
    assert page.locator("tr[data-area]").count() == 25
    assert "assurer@england.test" in page.inner_text("#account")
    check(page, shots, "01-dashboard")

    # sort by pool, largest first: the two areas with plans lead, the header says so
    page.click("#areas th[data-sort='pooled'] a")
    page.wait_for_url("**sort=pooled**")
    assert page.get_attribute("#areas th[data-sort='pooled']", "aria-sort") == "descending"
    leaders = page.eval_on_selector_all("tr[data-area]", "rows => rows.slice(0, 2).map(r => r.dataset.area)")
    assert sorted(leaders) == sorted([OWN, OTHER])
    check(page, shots, "02-dashboard-by-pool")

    page.click("#pagination a[rel='next']")
    page.wait_for_url("**page=2**")
    assert "page=2" in page.url and "sort=pooled" in page.url
    assert page.locator("#pagination a[aria-current='page']").inner_text() == "2"
    assert OWN not in page.eval_on_selector_all("tr[data-area]", "rows => rows.map(r => r.dataset.area)")
    check(page, shots, "03-dashboard-page-2")

    page.select_option("#status", "submitted")
    page.click("#filters button[type='submit']")
    page.wait_for_url("**status=submitted**")
    assert page.eval_on_selector_all("tr[data-area]", "rows => rows.map(r => r.dataset.area)") == [OWN]
    check(page, shots, "04-dashboard-submitted")

    page.click(f"tr[data-area='{OWN}'] a[href='/areas/{OWN}']")
    assert page.inner_text("#status").strip() == "submitted"
    check(page, shots, "05-area")
    page.click("text=Where the money goes")
    assert page.locator("#by-stream g.bar").count() >= 2
    check(page, shots, "06-area-money")

    page.click("#service-navigation >> text=Map")
    assert page.locator("#tile-map rect").count() == 151
    page.select_option("#metric", "delayed")
    page.click("button:has-text('Show')")
    page.wait_for_url("**metric=delayed**")
    check(page, shots, "07-map")

    page.click("#service-navigation >> text=Scorecard")
    assert page.inner_text("h1").startswith("Health and Wellbeing Board scorecard")
    check(page, shots, "08-scorecard")
    page.click("#service-navigation >> text=Scenarios")
    assert page.locator("#national").count() == 1
    check(page, shots, "09-scenarios")

    # assure the submitted plan from its area page
    page.goto(f"/areas/{OWN}")
    page.select_option("#outcome-choice", "approved")
    page.click("button:has-text('Record the assurance decision')")
    assert page.inner_text("#status").strip() == "assured"
    check(page, shots, "10-assured")
    page.goto("/?status=assured")
    assert page.inner_text(f"tr[data-area='{OWN}'] .status").strip().startswith("assured (v1)")
    page.context.close()

    phone = person(browser, base_url, "assurer", viewport=PHONE)
    check(phone, shots, "11-dashboard-phone")
    phone.goto("/money")
    check(phone, shots, "12-money-phone")
    phone.context.close()
