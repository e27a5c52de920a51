"""The information governance lead's journey in Chromium on PostgreSQL: record an agreement, review it
and end it early; add an objection (after a mistyped NHS number is refused) and withdraw it; look at
held datasets, shares and the audit trail, and verify the trail. axe and no overflow on every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services.sharing_audit import read_log
from carepool.store.db import Store
from tests.web.journeys.conftest import PHONE, check, person, serve

pytestmark = pytest.mark.postgres
NAV = "nav[aria-label='Information governance']"


@pytest.fixture(scope="module")
def base_url(journey_store: Store) -> Iterator[str]:
    with serve(journey_store) as url:
        yield url


def test_the_information_governance_lead_keeps_the_sharing_register(browser: Browser, base_url: str, shots: Path,
                                                                    journey_store: Store) -> None:
    page = person(browser, base_url, "ig_lead")
    page.click("header a:has-text('Information governance')")
    page.wait_for_url("**/sharing")
    assert page.inner_text("h1").startswith("Information governance")
    check(page, shots, "01-overview")

    page.click(f"{NAV} a:has-text('Data-sharing agreements')")
    page.wait_for_url("**/sharing/agreements")
    check(page, shots, "02-agreements")
    for field, value in (("agreement_id", "DSA-J-1"), ("parties", "RR8, 00C"), ("legal_basis", "UK GDPR 6(1)(e)"),
                         ("fields", "nhs_number, care_package"), ("retention_days", "ninety"),
                         ("start", "2025-04-01"), ("end", "2099-03-31")):
        page.fill(f"#{field}", value)
    page.select_option("#purpose", "evaluation")
    with page.expect_navigation():
        page.click("button:has-text('Record the agreement')")
    assert "not a whole number of days" in page.inner_text("#problem")
    check(page, shots, "03-agreement-refused")
    page.fill("#retention_days", "90")
    page.click("button:has-text('Record the agreement')")
    page.wait_for_url("**/sharing/agreements/DSA-J-1?done=added")
    check(page, shots, "04-agreement")

    page.check("#outcome-amend")
    page.fill("#note", "Add the postcode field at the next version.")
    page.click("button:has-text('Record the review')")
    page.wait_for_url("**?done=reviewed")
    page.fill("#ends_on", "2026-03-31")
    page.fill("#reason", "Replaced by DSA-J-2.")
    page.click("button:has-text('End the agreement')")
    page.wait_for_url("**?done=ended")
    assert page.inner_text("#dates") == "2025-04-01 to 2026-03-31"
    assert page.locator("#history tr[data-action]").count() == 3
    check(page, shots, "05-agreement-reviewed-and-ended")

    page.click(f"{NAV} a:has-text('Objections register')")
    page.wait_for_url("**/sharing/objections")
    page.fill("#nhs_number", "943 476 5918")
    page.fill("#organisation", "RR8")
    with page.expect_navigation():
        page.click("button:has-text('Record the objection')")
    assert "valid NHS number" in page.inner_text("#problem")
    check(page, shots, "06-objection-refused")
    page.fill("#nhs_number", "943 476 5919")
    page.click("button:has-text('Record the objection')")
    page.wait_for_url("**/sharing/objections?done=added")
    assert page.locator("#in-force tr[data-nhs='9434765919']").count() == 1
    check(page, shots, "07-objection-recorded")
    page.click("#in-force button:has-text('Withdrawn today')")
    page.wait_for_url("**?done=withdrawn")
    assert page.locator("#history tr[data-event]").evaluate_all("rows => rows.map(r => r.dataset.event)") == [
        "recorded", "withdrawn"]
    check(page, shots, "08-objection-withdrawn")

    page.click(f"{NAV} a:has-text('Held datasets and retention')")
    page.wait_for_url("**/sharing/datasets")
    check(page, shots, "09-datasets")
    page.click("button:has-text('Delete datasets past retention')")
    page.wait_for_url("**/sharing/datasets?purged=0")
    assert "0 datasets past retention deleted" in page.inner_text("#done")
    page.click(f"{NAV} a:has-text('Shares sent and received')")
    page.wait_for_url("**/sharing/shares")
    check(page, shots, "10-shares")

    page.click(f"{NAV} a:has-text('Audit trail')")
    page.wait_for_url("**/audit")
    check(page, shots, "11-audit")
    with page.expect_navigation():
        page.click("#verify")
    assert ": intact." in page.inner_text("#checked")
    check(page, shots, "12-audit-verified")
    log = read_log(journey_store)
    assert log.intact
    assert {"agreement.add", "agreement.review", "agreement.expire", "objection.add", "objection.withdraw",
            "objection.read", "audit.verify"} <= {e.action for e in log.entries}
    assert not any("9434765919" in e.subject for e in log.entries)

    phone = person(browser, base_url, "ig_lead", viewport=PHONE)
    for number, path in enumerate(("/sharing", "/sharing/agreements", "/sharing/agreements/DSA-J-1",
                                   "/sharing/objections", "/sharing/datasets", "/sharing/shares", "/audit"), start=13):
        assert (answer := phone.goto(path)) is not None and answer.status == 200, path
        check(phone, shots, f"{number}-phone{path.replace('/', '-')}")
