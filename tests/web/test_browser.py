"""End to end in a real browser (Debian's chromium driven by Playwright), with axe-core checks.

The whole journey a person makes: log in, upload a plan with mistakes, read the findings, upload
the corrected workbook, sign off as both partners and the HWB chair, submit, assure as the national
team, and see the dashboard change. Each main page is screenshotted (into
``$CAREPOOL_TEST_ARTIFACTS/web/test_browser`` when set, else a temporary folder) and checked
(tests/web/browser_support.check): axe-core finds no serious or critical violations, nothing runs
past the right edge, and no page asks another site for anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services import ledger
from tests.web.browser_support import check, open_page, person, requests_elsewhere, serve
from tests.web.conftest import OWN, PEOPLE, YEAR, assure_plan, sqlite_copy


@pytest.fixture(scope="module")
def base_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sqlite_copy(people_db, tmp_path_factory.mktemp("browser")) as store, serve(store) as url:
        yield url


@pytest.fixture(scope="module")
def settled_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory,
                workbooks: dict[str, Path]) -> Iterator[str]:
    """A store whose own area's plan is assured and its pooled-fund year posted and settled."""
    with sqlite_copy(people_db, tmp_path_factory.mktemp("settled")) as store:
        assure_plan(store, workbooks["valid"])
        ledger.post_contributions(store, YEAR)
        ledger.settle(store, YEAR)
        with serve(store) as url:
            yield url


def test_the_plan_journey_in_chromium(browser: Browser, base_url: str, shots: Path,
                                      workbooks: dict[str, Path]) -> None:
    anonymous = open_page(browser, base_url)
    anonymous.goto("/")
    assert anonymous.url.startswith(f"{base_url}/login")
    check(anonymous, shots, "01-login")

    lead = person(browser, base_url, "la_lead")
    assert lead.inner_text(f"tr[data-area='{OWN}'] .status").strip() == "no plan"
    check(lead, shots, "02-dashboard-local")
    lead.click(f"tr[data-area='{OWN}'] a")
    check(lead, shots, "03-area-no-plan")
    lead.click("text=Upload a planning workbook")
    lead.set_input_files("#workbook", str(workbooks["template"]))
    lead.click("button:has-text('Check and upload')")
    assert lead.locator("tr.finding").count() >= 10
    assert "must be filled in" in lead.inner_text("#findings")
    check(lead, shots, "04-upload-findings")
    lead.set_input_files("#workbook", str(workbooks["valid"]))
    lead.click("button:has-text('Check and upload')")
    assert lead.inner_text("#status").strip() == "draft"

    # edit in the browser: a finding appears beside its field, the error summary links to it, and the fix saves
    lead.goto(f"/areas/{OWN}/upload")
    lead.click("#edit-link")
    assert lead.input_value("#metrics-5-local_name") == "Dementia diagnosis rate"
    lead.fill("#metrics-5-local_name", "")
    lead.fill("#narrative", "Typed in the browser")
    lead.click("#plan-form > button:has-text('Save draft')")
    assert "has 1 error to fix" in lead.inner_text("#notice")
    group = lead.locator("[data-field='metrics-5-local_name']")
    assert "nhsuk-form-group--error" in (group.get_attribute("class") or "")
    assert "BCF6 must name the local metric" in lead.inner_text("#metrics-5-local_name-error")
    assert "metrics-5-local_name-error" in (lead.get_attribute("#metrics-5-local_name", "aria-describedby") or "")
    lead.click("#error-summary a[href='#metrics-5-local_name']")
    assert lead.evaluate("document.activeElement.id") == "metrics-5-local_name" or lead.url.endswith(
        "#metrics-5-local_name")
    assert lead.input_value("#narrative") == "Typed in the browser"
    check(lead, shots, "05a-plan-edit-finding")
    lead.fill("#metrics-5-local_name", "Dementia diagnosis rate")
    lead.click("#plan-form > button:has-text('Save draft')")
    assert "It has no errors" in lead.inner_text("#notice")
    assert lead.locator(".nhsuk-form-group--error").count() == 0
    check(lead, shots, "05b-plan-edit-fixed")
    lead.click("text=Back to")
    assert lead.inner_text("#status").strip() == "draft"
    lead.click(f"button:has-text('Sign off as {OWN}')")
    check(lead, shots, "05-area-draft")

    ccg = person(browser, base_url, "ccg_lead")
    ccg.goto(f"/areas/{OWN}")
    ccg.click("button:has-text('Sign off as 03L')")
    assert ccg.inner_text("#status").strip() == "partners signed off"

    chair = person(browser, base_url, "hwb_chair")
    chair.goto(f"/areas/{OWN}")
    chair.click("button:has-text('Sign off for the Health and Wellbeing Board')")
    chair.click("button:has-text('Submit the plan')")
    assert chair.inner_text("#status").strip() == "submitted"

    assurer = person(browser, base_url, "assurer")
    assert assurer.locator("tr[data-area]").count() == 25, "the first page of areas"
    assurer.goto("/?per_page=all")
    assert assurer.locator("tr[data-area]").count() == 151
    check(assurer, shots, "06-dashboard-national")
    assurer.goto(f"/areas/{OWN}")
    assurer.select_option("#outcome-choice", "approved subject to conditions")
    assurer.fill("#conditions", "Report delayed transfers quarterly")
    assurer.click("button:has-text('Record the assurance decision')")
    assert "approved subject to conditions: Report delayed transfers quarterly" in assurer.inner_text("#outcome")
    check(assurer, shots, "07-area-assured")
    assurer.click("text=Full history")
    assert assurer.locator("#history tbody tr").count() == 8, "created, 2 edits, 3 sign-offs, submitted, assured"
    check(assurer, shots, "08-history")
    assurer.goto("/?status=assured")
    assert assurer.locator("tr[data-area]").count() == 1
    assert assurer.inner_text(f"tr[data-area='{OWN}'] .status").strip().splitlines()[0] == "assured (v1)"
    # the condition set at assurance is open in the conditions register, and the dashboard says so
    assert assurer.inner_text(f"tr[data-area='{OWN}'] .open-conditions").strip() == "1 open condition"
    assurer.goto(f"/areas/{OWN}")
    check(assurer, shots, "11-area-at-the-end")
    elsewhere = [requests_elsewhere(page) for page in (anonymous, lead, ccg, chair, assurer)]
    assert elsewhere == [[]] * 5, "no page asks another site for anything (no CDN)"


def test_the_accounts_and_error_pages_are_accessible(browser: Browser, base_url: str, shots: Path) -> None:
    admin = person(browser, base_url, "admin")
    admin.click("#account >> text=Accounts")
    assert admin.locator("#people tbody tr").count() == len(PEOPLE)
    check(admin, shots, "09-accounts")
    admin.goto("/areas/NOWHERE")
    assert admin.inner_text("h1") == "Page not found"
    check(admin, shots, "10-not-found")


def test_the_programme_years_page_is_accessible(browser: Browser, base_url: str, shots: Path) -> None:
    analyst = person(browser, base_url, "analyst")
    analyst.click("#service-navigation >> text=Years")
    analyst.select_option("#year-a", "bcf-2020-21")
    analyst.click("button:has-text('Compare')")
    assert "a=bcf-2020-21" in analyst.url
    assert analyst.locator('#streams tr[data-streams="nhs-minimum"] td').count() == 3
    check(analyst, shots, "11-programme-years")


def test_the_pool_managers_year_end_page_is_accessible(browser: Browser, settled_url: str, shots: Path) -> None:
    manager = person(browser, settled_url, "pool_manager")
    manager.goto(f"/areas/{OWN}")
    manager.click("text=Year-end statement")
    assert manager.url.endswith(f"/areas/{OWN}/ledger/year-end")
    assert manager.locator("table.nhsuk-table-responsive").count() == 5
    assert manager.locator("#section-3 tbody tr").count() >= 2     # capital, by stream
    check(manager, shots, "12-year-end")
