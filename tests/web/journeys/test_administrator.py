"""The administrator's journey in Chromium on PostgreSQL: open Accounts from the header, add an account
(after a too-short password is refused), change its role, disable it (the person can no longer log in)
and enable it again. axe and no horizontal overflow on every page, on a desktop and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.web.browser_support import PHONE, check, open_page, person, submit_log_in
from tests.web.conftest import OWN

pytestmark = pytest.mark.postgres
NEW = "new-lead@rotherham.test"
NEW_PASSWORD = "a long enough first password"


def _log_in(browser: Browser, base_url: str, email: str, password: str) -> tuple[Page, str]:
    page = open_page(browser, base_url)
    submit_log_in(page, email, password)
    return page, page.url


def test_the_administrator_adds_changes_and_disables_an_account(browser: Browser, base_url: str, shots: Path) -> None:
    page = person(browser, base_url, "admin")
    page.click("#account >> text=Accounts")
    page.wait_for_url("**/admin/users")
    before = page.locator("#people tbody tr").count()
    check(page, shots, "01-accounts")

    for field, value in (("email", NEW), ("name", "New Lead"), ("org_code", OWN), ("areas", OWN)):
        page.fill(f"#{field}", value)
    page.select_option("#org_kind", "la")
    page.select_option("#role", "partner_lead")
    page.fill("#password", "short")
    page.click("button:has-text('Add the account')")
    assert "at least 12 characters" in page.inner_text("#problem")
    assert page.input_value("#email") == NEW, "what was typed is kept"
    check(page, shots, "02-add-refused")
    page.fill("#password", NEW_PASSWORD)
    page.click("button:has-text('Add the account')")
    assert page.locator("#done").count() == 1
    assert page.locator("#people tbody tr").count() == before + 1
    check(page, shots, "03-added")

    newcomer, landed = _log_in(browser, base_url, NEW, NEW_PASSWORD)
    assert landed == f"{base_url}/" and "Partner lead" in newcomer.inner_text("#account")

    page.click(f"#people tr[data-email='{NEW}'] a")
    assert page.inner_text("#role-now") == "partner lead"
    check(page, shots, "04-account")
    page.select_option("#role", "pool_manager")
    page.click("button:has-text('Change the role')")
    assert page.inner_text("#role-now") == "pool manager" and "role changed" in page.inner_text("#done")
    newcomer.reload()
    assert "Pool manager" in newcomer.inner_text("#account"), "the new role applies on the next page"
    check(page, shots, "05-role-changed")

    page.click("button:has-text('Disable the account')")
    assert page.inner_text("#account-state") == "disabled"
    check(page, shots, "06-disabled")
    newcomer.reload()
    assert "/login" in newcomer.url, "the open session ended"
    refused, where = _log_in(browser, base_url, NEW, NEW_PASSWORD)
    assert "/login" in where and "disabled" in refused.inner_text("main")

    page.click("button:has-text('Enable the account')")
    assert page.inner_text("#account-state") == "active"
    _, again = _log_in(browser, base_url, NEW, NEW_PASSWORD)
    assert again == f"{base_url}/"
    page.context.close()

    phone = person(browser, base_url, "admin", viewport=PHONE)
    phone.goto("/admin/users")
    check(phone, shots, "07-accounts-phone")
    phone.click(f"#people tr[data-email='{NEW}'] a")
    check(phone, shots, "08-account-phone")
    phone.context.close()
