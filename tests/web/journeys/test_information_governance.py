"""The information governance lead's journey in Chromium on PostgreSQL: record an agreement, review it
and end it early; add an objection (after a mistyped NHS number is refused) and withdraw it, then record
a national data opt-out; look at held datasets; send a prepared share over MESH (a real mesh-sandbox)
for direct care and for commissioning (whose confirmation lists the row the opt-out withheld)
and receive a waiting message, once with JavaScript off; look at the audit trail and verify it. axe and
no overflow on every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.demo.sharing_step import SANDBOX_KEY, SANDBOX_PASSWORD
from carepool.exchange.mesh import receive as mesh_receive
from carepool.exchange.mesh import send_bytes
from carepool.services import sharing, sharing_governance
from carepool.services.sharing_audit import read_log
from carepool.store.db import Store
from tests.sharing.mesh_fixtures import mailbox, mesh_url
from tests.web.browser_support import PHONE, check, person, serve
from tests.web.conftest import BY_KEY

__all__ = ["mesh_url"]
pytestmark = pytest.mark.postgres
NAV = "nav[aria-label='Information governance']"
SHARE = "nhs_number,name,care_package\n9434765919,Opted Out,home care\n9990000026,Ann Other,reablement\n"


@pytest.fixture(scope="module")
def base_url(journey_store: Store, mesh_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with its own MESH mailbox (X26ABC1) on the sandbox, as ``CAREPOOL_MESH_*`` would set it."""
    with serve(journey_store, mesh_url=mesh_url, mesh_mailbox="X26ABC1", mesh_password=SANDBOX_PASSWORD,
               mesh_shared_key=SANDBOX_KEY, mesh_inbox=str(tmp_path_factory.mktemp("ig-inbox"))) as url:
        yield url


def test_the_information_governance_lead_keeps_the_sharing_register(browser: Browser, base_url: str, shots: Path,
                                                                    journey_store: Store, mesh_url: str) -> None:
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
    page.fill("#nhs_number", "9434765919")
    page.fill("#organisation", "RR8")
    page.check("#kind-national_opt_out")
    page.click("button:has-text('Record the objection')")
    page.wait_for_url("**/sharing/objections?done=added")
    assert page.locator("#in-force tr[data-kind='national_opt_out']").count() == 1
    check(page, shots, "08b-national-opt-out-recorded")

    page.click(f"{NAV} a:has-text('Held datasets and retention')")
    page.wait_for_url("**/sharing/datasets")
    check(page, shots, "09-datasets")
    page.click("button:has-text('Delete datasets past retention')")
    page.wait_for_url("**/sharing/datasets?purged=0")
    assert "0 datasets past retention deleted" in page.inner_text("#done")
    # MESH: a direct-care share goes out (the opt-out does not stop direct care), a message comes in
    sharing.add_agreement(journey_store, sharing_governance.agreement_from_text(
        agreement_id="DC-J-1", parties="RR8, 00C", purpose="direct_care", legal_basis="HSCA 2012 s.251B",
        fields="nhs_number, name, care_package", retention_days="30", start="2025-04-01", end="2099-03-31",
        mailboxes="RR8=X26ABC1, 00C=X26ABC2"), actor="setup")
    prepared = shots / "care-list.csv"
    prepared.write_text(SHARE)
    page.click(f"{NAV} a:has-text('Shares sent and received')")
    page.wait_for_url("**/sharing/shares")
    check(page, shots, "10-shares")
    page.select_option("#agreement_id", "DC-J-1")
    page.fill("#to", "X26ABC2")
    page.set_input_files("#file", str(prepared))
    page.click("#send")
    page.wait_for_url("**/sharing/shares?done=sent&message=*")
    assert "care-list.csv: 2 rows sent, 0 withheld, to X26ABC2 (00C)" in page.inner_text("#done")
    assert page.locator("#shares tr[data-action='share.send']").count() == 1
    check(page, shots, "10b-share-sent")
    (arrived,) = mesh_receive(mailbox(mesh_url, "X26ABC2"), shots / "00C")
    assert "Opted Out" in arrived.path.read_text()
    # the same file for commissioning: the opt-out withholds row 2, and the confirmation lists it
    sharing.add_agreement(journey_store, sharing_governance.agreement_from_text(
        agreement_id="CM-J-1", parties="RR8, 00C", purpose="commissioning", legal_basis="UK GDPR 6(1)(e)",
        fields="nhs_number, name, care_package", retention_days="30", start="2025-04-01", end="2099-03-31",
        mailboxes="RR8=X26ABC1, 00C=X26ABC2"), actor="setup")
    page.goto("/sharing/shares")
    page.select_option("#agreement_id", "CM-J-1")
    page.fill("#to", "X26ABC2")
    page.set_input_files("#file", str(prepared))
    page.click("#send")
    page.wait_for_url("**/sharing/shares?done=sent&message=*")
    assert "1 rows sent, 1 withheld (1 national data opt-out)" in page.inner_text("#done")
    assert page.locator("#withheld tr[data-row]").evaluate_all(
        "rows => rows.map(r => [r.dataset.row, r.dataset.why])") == [["2", "National data opt-out"]]
    assert "9434765919" not in page.content()
    check(page, shots, "10c-share-sent-with-withheld-rows")
    (secondary,) = mesh_receive(mailbox(mesh_url, "X26ABC2"), shots / "00C-commissioning")
    assert "Opted Out" not in secondary.path.read_text() and "Ann Other" in secondary.path.read_text()

    send_bytes(mailbox(mesh_url, "X26ABC2"), "X26ABC1",
               b"nhs_number,care_package\n9990000026,reablement\n", "reply.csv", local_id="DC-J-1")
    plain = person(browser, base_url, "ig_lead", javascript=False)
    plain.goto("/sharing/shares")
    plain.click("#receive")
    plain.wait_for_url("**/sharing/shares?done=received&received=1&refused=0")
    assert "1 message received and kept" in plain.inner_text("#done")
    plain.context.close()

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
            "objection.read", "audit.verify", "share.send", "share.receive"} <= {e.action for e in log.entries}
    assert {e.actor for e in log.entries if e.action.startswith("share.")} == {BY_KEY["ig_lead"].email}
    assert not any("9434765919" in e.subject for e in log.entries)

    phone = person(browser, base_url, "ig_lead", viewport=PHONE)
    for number, path in enumerate(("/sharing", "/sharing/agreements", "/sharing/agreements/DSA-J-1",
                                   "/sharing/objections", "/sharing/datasets", "/sharing/shares", "/audit"), start=13):
        assert (answer := phone.goto(path)) is not None and answer.status == 200, path
        check(phone, shots, f"{number}-phone{path.replace('/', '-')}")
