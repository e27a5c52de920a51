"""The national auditor's journey in Chromium on PostgreSQL: read the sharing audit trail, download an
anchor, verify the trail against it; the objections register (NHS numbers) stays closed to them.
axe and no overflow on every page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services import sharing, sharing_governance
from carepool.services.sharing_audit import read_log
from carepool.sharing.objections import Objection
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, person, serve

pytestmark = pytest.mark.postgres
OBJECTOR = "9434765919"


@pytest.fixture(scope="module")
def base_url(journey_store: Store) -> Iterator[str]:
    agreement = sharing_governance.agreement_from_text(
        agreement_id="DSA-A-1", parties="RR8, 00C", purpose="direct_care", legal_basis="s.251B",
        fields="nhs_number, care_package", retention_days="30", start="2025-04-01", end="2099-03-31")
    sharing.add_agreement(journey_store, agreement, actor="ig@england.test")
    sharing.add_objection(journey_store, Objection(OBJECTOR, "RR8", date(2025, 5, 1)), actor="ig@england.test")
    with serve(journey_store) as url:
        yield url


def test_the_auditor_reads_and_verifies_the_trail_without_seeing_person_level_data(
        browser: Browser, base_url: str, shots: Path, journey_store: Store, tmp_path: Path) -> None:
    page = person(browser, base_url, "auditor")
    page.click("header a:has-text('Audit trail')")
    page.wait_for_url("**/audit")
    assert page.locator("#entries tr[data-seq]").count() == 2
    assert "objection held by RR8" in page.inner_text("#entries")
    assert OBJECTOR not in page.content() and "943 476" not in page.content()
    check(page, shots, "01-audit-trail")

    with page.expect_download() as download:
        page.click("#anchor-download")
    anchor = tmp_path / "anchor.json"
    download.value.save_as(anchor)
    page.set_input_files("#anchor", str(anchor))
    with page.expect_navigation():
        page.click("#verify")
    assert "against the anchor taken" in page.inner_text("#checked") and ": intact." in page.inner_text("#checked")
    check(page, shots, "02-verified-against-the-anchor")

    refused = page.goto("/sharing/objections")
    assert refused is not None and refused.status == 403
    assert OBJECTOR not in page.content()
    check(page, shots, "03-objections-refused")
    phone = person(browser, base_url, "auditor", viewport=PHONE)
    phone.goto("/audit")
    check(phone, shots, "04-audit-trail-on-a-phone")
    actions = [e.action for e in read_log(journey_store).entries]
    assert actions == ["agreement.add", "objection.add", "audit.anchor", "audit.verify"]
