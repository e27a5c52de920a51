"""End to end in a real browser (Debian's chromium driven by Playwright), with axe-core checks.

The whole journey a person makes: log in, upload a plan with mistakes, read the findings, upload
the corrected workbook, sign off as both partners and the HWB chair, submit, assure as the national
team, and see the dashboard change. Each main page is screenshotted (into
``$CAREPOOL_TEST_ARTIFACTS/web`` when set, else a temporary folder) and checked with axe-core:
no serious or critical accessibility violations.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from carepool.services import ledger
from carepool.store.db import Store, open_store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OWN, PASSWORD, PEOPLE, YEAR, assure_plan, settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "assets" / "axe.min.js"


def _serve(store: Store) -> Iterator[str]:
    """The app on ``store`` on a free local port, until the generator is closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app("unused://", settings=settings(), store=store),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "browser.db"
    shutil.copyfile(people_db, path)
    store = open_store(str(path))
    yield from _serve(store)
    store.dispose()


@pytest.fixture(scope="module")
def settled_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory,
                workbooks: dict[str, Path]) -> Iterator[str]:
    """A store whose own area's plan is assured and its pooled-fund year posted and settled."""
    path = tmp_path_factory.mktemp("settled") / "settled.db"
    shutil.copyfile(people_db, path)
    store = open_store(str(path))
    assure_plan(store, workbooks["valid"])
    ledger.post_contributions(store, YEAR)
    ledger.settle(store, YEAR)
    yield from _serve(store)
    store.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: add it to scripts/system-deps"
    assert AXE.exists(), "axe-core is missing: run scripts/web-assets"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = os.environ.get("CAREPOOL_TEST_ARTIFACTS")
    folder = Path(root) / "web" if root else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


ELSEWHERE: list[str] = []   # every request a page made to anywhere but the app


def _page(browser: Browser, base_url: str) -> Page:
    # bypass_csp only so the test can inject axe-core; the app's own pages need no inline script
    page = browser.new_context(base_url=base_url, bypass_csp=True).new_page()
    page.on("request", lambda r: None if r.url.startswith(base_url) else ELSEWHERE.append(r.url))
    return page


def _person(browser: Browser, base_url: str, key: str) -> Page:
    page = _page(browser, base_url)
    page.goto("/login")
    page.fill("#email", BY_KEY[key].email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base_url}/")
    return page


def _check(page: Page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"


def test_the_plan_journey_in_chromium(browser: Browser, base_url: str, shots: Path,
                                      workbooks: dict[str, Path]) -> None:
    anonymous = _page(browser, base_url)
    anonymous.goto("/")
    assert anonymous.url.startswith(f"{base_url}/login")
    _check(anonymous, shots, "01-login")

    lead = _person(browser, base_url, "la_lead")
    assert lead.inner_text(f"tr[data-area='{OWN}'] .status").strip() == "no plan"
    _check(lead, shots, "02-dashboard-local")
    lead.click(f"tr[data-area='{OWN}'] a")
    _check(lead, shots, "03-area-no-plan")
    lead.click("text=Upload a planning workbook")
    lead.set_input_files("#workbook", str(workbooks["template"]))
    lead.click("button:has-text('Check and upload')")
    assert lead.locator("tr.finding").count() >= 10
    assert "must be filled in" in lead.inner_text("#findings")
    _check(lead, shots, "04-upload-findings")
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
    _check(lead, shots, "05a-plan-edit-finding")
    lead.fill("#metrics-5-local_name", "Dementia diagnosis rate")
    lead.click("#plan-form > button:has-text('Save draft')")
    assert "It has no errors" in lead.inner_text("#notice")
    assert lead.locator(".nhsuk-form-group--error").count() == 0
    _check(lead, shots, "05b-plan-edit-fixed")
    lead.click("text=Back to")
    assert lead.inner_text("#status").strip() == "draft"
    lead.click(f"button:has-text('Sign off as {OWN}')")
    _check(lead, shots, "05-area-draft")

    ccg = _person(browser, base_url, "ccg_lead")
    ccg.goto(f"/areas/{OWN}")
    ccg.click("button:has-text('Sign off as 03L')")
    assert ccg.inner_text("#status").strip() == "partners signed off"

    chair = _person(browser, base_url, "hwb_chair")
    chair.goto(f"/areas/{OWN}")
    chair.click("button:has-text('Sign off for the Health and Wellbeing Board')")
    chair.click("button:has-text('Submit the plan')")
    assert chair.inner_text("#status").strip() == "submitted"

    assurer = _person(browser, base_url, "assurer")
    assert assurer.locator("tr[data-area]").count() == 25, "the first page of areas"
    assurer.goto("/?per_page=all")
    assert assurer.locator("tr[data-area]").count() == 151
    _check(assurer, shots, "06-dashboard-national")
    assurer.goto(f"/areas/{OWN}")
    assurer.select_option("#outcome-choice", "approved subject to conditions")
    assurer.fill("#conditions", "Report delayed transfers quarterly")
    assurer.click("button:has-text('Record the assurance decision')")
    assert "approved subject to conditions: Report delayed transfers quarterly" in assurer.inner_text("#outcome")
    _check(assurer, shots, "07-area-assured")
    assurer.click("text=Full history")
    assert assurer.locator("#history tbody tr").count() == 8, "created, 2 edits, 3 sign-offs, submitted, assured"
    _check(assurer, shots, "08-history")
    assurer.goto("/?status=assured")
    assert assurer.locator("tr[data-area]").count() == 1
    assert assurer.inner_text(f"tr[data-area='{OWN}'] .status").strip().splitlines()[0] == "assured (v1)"
    # the condition set at assurance is open in the conditions register, and the dashboard says so
    assert assurer.inner_text(f"tr[data-area='{OWN}'] .open-conditions").strip() == "1 open condition"
    assurer.goto(f"/areas/{OWN}")
    _check(assurer, shots, "11-area-at-the-end")
    assert ELSEWHERE == [], "no page asks another site for anything (no CDN)"


def test_the_accounts_and_error_pages_are_accessible(browser: Browser, base_url: str, shots: Path) -> None:
    admin = _person(browser, base_url, "admin")
    admin.click("#account >> text=Accounts")
    assert admin.locator("#people tbody tr").count() == len(PEOPLE)
    _check(admin, shots, "09-accounts")
    admin.goto("/areas/NOWHERE")
    assert admin.inner_text("h1") == "Page not found"
    _check(admin, shots, "10-not-found")


def test_the_programme_years_page_is_accessible(browser: Browser, base_url: str, shots: Path) -> None:
    analyst = _person(browser, base_url, "analyst")
    analyst.click("#service-navigation >> text=Years")
    analyst.select_option("#year-a", "bcf-2020-21")
    analyst.click("button:has-text('Compare')")
    assert "a=bcf-2020-21" in analyst.url
    assert analyst.locator('#streams tr[data-streams="nhs-minimum"] td').count() == 3
    _check(analyst, shots, "11-programme-years")


def test_the_pool_managers_year_end_page_is_accessible(browser: Browser, settled_url: str, shots: Path) -> None:
    manager = _person(browser, settled_url, "pool_manager")
    manager.goto(f"/areas/{OWN}")
    manager.click("text=Year-end statement")
    assert manager.url.endswith(f"/areas/{OWN}/ledger/year-end")
    assert manager.locator("table.nhsuk-table").count() == 5
    assert manager.locator("#section-3 tbody tr").count() >= 2     # capital, by stream
    _check(manager, shots, "12-year-end")
