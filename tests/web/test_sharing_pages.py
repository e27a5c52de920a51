"""The information governance pages on SQLite and PostgreSQL: agreements (record, review, end early),
the objections register (add, withdraw, history; NHS numbers only to the IG lead, each view audited),
held datasets and the purge, shares sent and received, and verifying the audit trail in the browser.

Every change is checked where it lands (the store, through the same services the CLI calls) and in
the audit log; every refused input is checked to leave the store unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.services import sharing, sharing_governance
from carepool.services.sharing_audit import read_log
from carepool.sharing.objections import Objection
from carepool.store import sharing_tables as repo
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, log_in, settings

OBJECTOR = "9434765919"     # valid check digit
MISTYPED = "9434765918"     # the same number, last digit wrong
AGREEMENT = {"agreement_id": "DSA-WEB-1", "parties": "RR8, 00C", "purpose": "evaluation",
             "legal_basis": "UK GDPR 6(1)(e), 9(2)(h)", "fields": "nhs_number, care_package",
             "retention_days": "30", "start": "2020-01-01", "end": "2099-12-31", "mailboxes": "RR8=X26ABC1"}


@pytest.fixture
def ig(web_store: Store) -> Iterator[tuple[TestClient, str]]:
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        yield client, log_in(client, BY_KEY["ig_lead"].email)


def actions(store: Store) -> list[str]:
    return [e.action for e in read_log(store).entries]


def test_an_agreement_is_recorded_reviewed_and_ended_early(ig: tuple[TestClient, str], web_store: Store) -> None:
    client, token = ig
    bad = client.post("/sharing/agreements", data={**AGREEMENT, "retention_days": "a month", "csrf_token": token})
    assert bad.status_code == 422 and "not a whole number of days" in bad.text and "retention days" in bad.text
    assert 'value="DSA-WEB-1"' in bad.text, "what was typed is kept"
    assert sharing.list_agreements(web_store) == [] and actions(web_store) == []

    made = client.post("/sharing/agreements", data={**AGREEMENT, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/sharing/agreements/DSA-WEB-1?done=added"
    (stored,) = sharing.list_agreements(web_store)
    assert stored.parties == ("RR8", "00C") and stored.permitted_fields == {"nhs_number", "care_package"}
    assert stored.retention_days == 30 and stored.mailboxes == {"RR8": "X26ABC1"}
    again = client.post("/sharing/agreements", data={**AGREEMENT, "csrf_token": token})
    assert again.status_code == 409 and "already exists" in again.text

    no_note = client.post("/sharing/agreements/DSA-WEB-1/review",
                          data={"outcome": "continue", "note": " ", "csrf_token": token})
    assert no_note.status_code == 422 and "say what the review found" in no_note.text
    reviewed = client.post("/sharing/agreements/DSA-WEB-1/review", follow_redirects=False,
                           data={"outcome": "amend", "note": "add the postcode field", "reviewed_on": "2025-06-01",
                                 "csrf_token": token})
    assert reviewed.status_code == 303
    early = client.post("/sharing/agreements/DSA-WEB-1/expire", data={"ends_on": "2019-01-01", "reason": "x",
                                                                       "csrf_token": token})
    assert early.status_code == 422 and "cannot end before" in early.text
    ended = client.post("/sharing/agreements/DSA-WEB-1/expire", follow_redirects=False,
                        data={"ends_on": "2025-07-31", "reason": "replaced by DSA-WEB-2", "csrf_token": token})
    assert ended.status_code == 303
    assert sharing_governance.get_agreement(web_store, "DSA-WEB-1").end == date(2025, 7, 31)

    page = client.get("/sharing/agreements/DSA-WEB-1")
    assert page.status_code == 200 and "2020-01-01 to 2025-07-31" in page.text
    assert re.findall(r'data-action="([a-z.]+)"', page.text) == ["agreement.add", "agreement.review",
                                                                 "agreement.expire"]
    assert "to be amended: add the postcode field" in page.text and "was to end 2099-12-31" in page.text
    assert 'action="/sharing/agreements/DSA-WEB-1/expire"' not in page.text, "an ended agreement cannot end again"
    entries = read_log(web_store).entries
    assert [e.actor for e in entries] == [BY_KEY["ig_lead"].email] * 3
    assert all(e.agreement_id == "DSA-WEB-1" and e.purpose == "evaluation" for e in entries)
    listing = client.get("/sharing/agreements")
    assert 'data-agreement="DSA-WEB-1"' in listing.text and "Ended" in listing.text


def test_objections_are_added_and_withdrawn_and_every_view_is_audited(ig: tuple[TestClient, str],
                                                                      web_store: Store) -> None:
    client, token = ig
    bad = client.post("/sharing/objections", data={"nhs_number": MISTYPED, "organisation": "RR8",
                                                   "csrf_token": token})
    assert bad.status_code == 422 and "valid NHS number" in bad.text
    assert sharing.objection_count(web_store) == 0
    made = client.post("/sharing/objections", follow_redirects=False,
                       data={"nhs_number": "943 476 5919", "organisation": "rr8", "recorded_on": "2025-04-01",
                             "csrf_token": token})
    assert made.status_code == 303
    registry = sharing.registry(web_store)
    assert len(registry) == 1 and OBJECTOR in registry and registry.get(OBJECTOR).organisation == "RR8"
    twice = client.post("/sharing/objections", data={"nhs_number": OBJECTOR, "organisation": "RR8",
                                                     "csrf_token": token})
    assert twice.status_code == 409 and "already recorded" in twice.text

    page = client.get("/sharing/objections")
    assert page.status_code == 200 and f'data-nhs="{OBJECTOR}"' in page.text and "943 476 5919" in page.text
    withdrawn = client.post("/sharing/objections/withdraw", follow_redirects=False,
                            data={"nhs_number": OBJECTOR, "withdrawn_on": "2025-05-01", "note": "changed their mind",
                                  "csrf_token": token})
    assert withdrawn.status_code == 303 and sharing.objection_count(web_store) == 0
    unknown = client.post("/sharing/objections/withdraw", data={"nhs_number": OBJECTOR, "csrf_token": token})
    assert unknown.status_code == 404 and "no objection is recorded" in unknown.text

    page = client.get("/sharing/objections")
    assert "No objection is in force" in page.text
    assert re.findall(r'data-event="(\w+)"', page.text) == ["recorded", "withdrawn"]
    assert "changed their mind" in page.text
    entries = read_log(web_store).entries
    reads = [e for e in entries if e.action == "objection.read"]
    # every render of the register read NHS numbers: the two pages, and the three refusals shown on it
    assert len(reads) == 5 and all(e.actor == BY_KEY["ig_lead"].email for e in reads)
    assert {"objection.add", "objection.withdraw"} <= {e.action for e in entries}
    assert not any(OBJECTOR in e.subject or "943 476" in e.subject for e in entries), "numbers stay out of the log"


def test_held_datasets_show_their_retention_and_the_purge_deletes_what_is_past_it(
        ig: tuple[TestClient, str], web_store: Store, tmp_path: Path) -> None:
    client, token = ig
    sharing.add_agreement(web_store, sharing_governance.agreement_from_text(**{**AGREEMENT,
                                                                               "retention_days": "30"}), actor="setup")
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    for path in (old, new):
        path.write_text("nhs_number,care_package\n9434765870,home care\n")
    today = date.today()
    with web_store.transaction() as session:
        repo.add_dataset(session, kind="received", agreement_id="DSA-WEB-1", path=str(old), source="message M1",
                         received_on=today - timedelta(days=31), rows=1)
        repo.add_dataset(session, kind="links", agreement_id="DSA-WEB-1", path=str(new), source="a x b",
                         received_on=today, rows=1)
    page = client.get("/sharing/datasets")
    assert re.findall(r'data-dataset="(\d)" data-status="([a-z ]+)"', page.text) == [("1", "past retention"),
                                                                                   ("2", "held")]
    assert str(today + timedelta(days=30)) in page.text, "the day the new one must be deleted after"
    refused = client.post("/sharing/datasets/purge", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and old.exists()
    done = client.post("/sharing/datasets/purge", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/sharing/datasets?purged=1"
    assert not old.exists() and new.exists()
    page = client.get(done.headers["location"])
    assert "1 dataset past retention deleted" in page.text
    assert re.findall(r'data-status="([a-z ]+)"', page.text) == ["purged", "held"]
    (purge,) = [e for e in read_log(web_store).entries if e.action == "retention.purge"]
    assert purge.actor == BY_KEY["ig_lead"].email and "dataset 1" in purge.subject


def test_shares_sent_and_received_come_from_the_audit_trail(ig: tuple[TestClient, str], web_store: Store) -> None:
    client, _ = ig
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with web_store.transaction() as session:
        repo.append_audit(session, at=at, actor="mesh@rr8", action="share.send", agreement_id="DSA-1",
                          subject="care.csv: 2 rows sent, 1 withheld, to X26ABC2 (00C), message M1")
        repo.append_audit(session, at=at, actor="mesh@rr8", action="share.receive.refused",
                          subject="bad.csv from X26ZZZ, message M2: refused: not a party")
        repo.append_audit(session, at=at, actor="ig", action="objection.add", subject="objection held by RR8")
    page = client.get("/sharing/shares")
    assert re.findall(r'data-action="([a-z.]+)"', page.text) == ["share.receive.refused", "share.send"]
    assert "2 rows sent, 1 withheld" in page.text and "(refused)" in page.text
    overview = client.get("/sharing")
    assert overview.status_code == 200 and "2 recorded" in overview.text


def test_the_auditor_verifies_the_trail_with_an_anchor_and_never_sees_nhs_numbers(web_store: Store) -> None:
    sharing.add_objection(web_store, Objection(OBJECTOR, "RR8", date(2025, 4, 1)), actor="ig@england.test")
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        token = log_in(client, BY_KEY["auditor"].email)
        assert client.get("/sharing/objections").status_code == 403
        assert client.post("/sharing/objections/withdraw", data={"nhs_number": OBJECTOR,
                                                                 "csrf_token": token}).status_code == 403
        trail = client.get("/audit")
        assert trail.status_code == 200 and OBJECTOR not in trail.text and "objection held by RR8" in trail.text
        anchor = client.get("/audit/anchor.json")
        assert anchor.status_code == 200 and "attachment" in anchor.headers["content-disposition"]
        assert json.loads(anchor.text)["seq"] == 1
        checked = client.post("/audit/verify", data={"csrf_token": token},
                              files={"anchor": ("anchor.json", anchor.content, "application/json")})
        assert checked.status_code == 200 and "against the anchor taken" in checked.text and ": intact." in checked.text
        junk = client.post("/audit/verify", data={"csrf_token": token},
                           files={"anchor": ("notes.txt", b"hello", "text/plain")})
        assert junk.status_code == 422 and "anchor file notes.txt" in junk.text
        plain = client.post("/audit/verify", data={"csrf_token": token})
        assert plain.status_code == 200 and "The hash chain is intact" in plain.text
    log = read_log(web_store)
    assert [e.action for e in log.entries] == ["objection.add", "audit.anchor", "audit.verify", "audit.verify"]
    assert log.entries[2].actor == BY_KEY["auditor"].email and "against the anchor" in log.entries[2].subject
    assert log.intact


def test_a_verify_against_an_anchor_the_log_no_longer_holds_is_refused(web_store: Store) -> None:
    sharing.add_objection(web_store, Objection(OBJECTOR, "RR8", date(2025, 4, 1)), actor="ig@england.test")
    forged = {"carepool_audit_anchor": 1, "seq": 1, "hash": "0" * 64, "at": "2026-01-01T00:00:00+00:00"}
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        token = log_in(client, BY_KEY["ig_lead"].email)
        checked = client.post("/audit/verify", data={"csrf_token": token},
                              files={"anchor": ("a.json", json.dumps(forged).encode(), "application/json")})
        assert checked.status_code == 409 and "The audit log has been tampered with" in checked.text
        assert "entry 1 is not the one anchored" in checked.text
    assert "NOT intact" in read_log(web_store).entries[-1].subject


def test_the_register_records_and_shows_each_kind_of_objection(ig: tuple[TestClient, str], web_store: Store) -> None:
    client, token = ig
    page = client.get("/sharing/objections")
    assert re.findall(r'<div class="nhsuk-summary-list__row" data-kind="(\w+)"', page.text) == [
        "local", "national_opt_out"]
    assert "never direct care" in page.text
    odd = client.post("/sharing/objections", data={"nhs_number": OBJECTOR, "organisation": "RR8", "kind": "type-1",
                                                   "csrf_token": token})
    assert odd.status_code == 422 and "unknown kind of objection" in odd.text
    assert sharing.objection_count(web_store) == 0
    for kind in ("national_opt_out", "local"):
        made = client.post("/sharing/objections", follow_redirects=False,
                           data={"nhs_number": OBJECTOR, "organisation": "RR8", "kind": kind, "csrf_token": token})
        assert made.status_code == 303, made.text
    twice = client.post("/sharing/objections", data={"nhs_number": OBJECTOR, "organisation": "RR8",
                                                     "kind": "national_opt_out", "csrf_token": token})
    assert twice.status_code == 409 and "a national data opt-out is already recorded" in twice.text
    page = client.get("/sharing/objections")
    assert re.findall(r'data-nhs="\d+" data-kind="(\w+)"', page.text) == ["local", "national_opt_out"]
    assert "National data opt-out" in page.text
    overview = client.get("/sharing")
    assert "2 in force: 1 objection to sharing, 1 national data opt-out" in overview.text

    withdrawn = client.post("/sharing/objections/withdraw", follow_redirects=False,
                            data={"nhs_number": OBJECTOR, "kind": "national_opt_out", "csrf_token": token})
    assert withdrawn.status_code == 303
    (left,) = sharing.registry(web_store).of(OBJECTOR)
    assert left.kind.value == "local"
    page = client.get("/sharing/objections")
    assert re.findall(r'data-event="(\w+)" data-kind="(\w+)"', page.text) == [
        ("recorded", "national_opt_out"), ("recorded", "local"), ("withdrawn", "national_opt_out")]
    subjects = [e.subject for e in read_log(web_store).entries if e.action.startswith("objection.")
                and e.action != "objection.read"]
    assert subjects[-1].startswith("national data opt-out checked by RR8 withdrawn on")
