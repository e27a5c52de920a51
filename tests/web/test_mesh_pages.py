"""Sending and receiving shares over MESH from the information governance pages, on SQLite and
PostgreSQL, against the real mesh-sandbox the sharing tests start.

The pages call ``services.sharing.send`` and ``receive`` (what ``carepool share send/receive`` call),
so each share is checked against its agreement and both kinds of objection, and audited with the IG
lead as the actor; what arrives in the recipient's mailbox is read back to prove it.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.demo.sharing_step import SANDBOX_KEY, SANDBOX_PASSWORD
from carepool.exchange.mesh import receive as mesh_receive
from carepool.exchange.mesh import send_bytes
from carepool.services import sharing, sharing_governance
from carepool.services.sharing_audit import read_log
from carepool.sharing.nhs_number import problem
from carepool.sharing.objections import Objection, ObjectionKind
from carepool.store.db import Store
from carepool.web import create_app
from tests.sharing.mesh_fixtures import empty_inboxes, mailbox, mesh_url
from tests.web.conftest import BY_KEY, log_in, settings

__all__ = ["empty_inboxes", "mesh_url"]

OBJECTOR, OPTED_OUT, OTHER = "9434765919", "9434765870", "9990000026"
ROWS = [{"nhs_number": n, "name": f"person {n}", "care_package": "home care"} for n in (OBJECTOR, OPTED_OUT, OTHER)]
COMMON = {"parties": "RR8, 00C", "legal_basis": "HSCA 2012 s.251B", "retention_days": "365",
          "start": "2020-01-01", "end": "2099-12-31", "mailboxes": "RR8=X26ABC1, 00C=X26ABC2"}
WEB = Path(__file__).resolve().parents[2] / "src" / "carepool" / "web" / "pages_mesh.py"
API = WEB.with_name("api_sharing.py")


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def setup(store: Store) -> None:
    for agreement_id, purpose in (("DC-1", "direct_care"), ("CM-1", "commissioning")):
        sharing.add_agreement(store, sharing_governance.agreement_from_text(
            agreement_id=agreement_id, purpose=purpose, fields="nhs_number, name, care_package", **COMMON),
            actor="setup")
    sharing.add_objection(store, Objection(OBJECTOR, "RR8", date(2020, 1, 1)), actor="setup")
    sharing.add_objection(store, Objection(OPTED_OUT, "RR8", date(2020, 1, 1), kind=ObjectionKind.NATIONAL_OPT_OUT),
                          actor="setup")


@pytest.fixture
def ig(web_store: Store, empty_inboxes: str, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    mesh = replace(settings(), mesh_url=empty_inboxes, mesh_mailbox="X26ABC1", mesh_password=SANDBOX_PASSWORD,
                   mesh_shared_key=SANDBOX_KEY, mesh_inbox=str(tmp_path / "inbox"))
    setup(web_store)
    with TestClient(create_app("unused://", settings=mesh, store=web_store)) as client:
        yield client, log_in(client, BY_KEY["ig_lead"].email)


def arrived(url: str, folder: Path) -> dict[str, str]:
    """What is waiting in 00C's mailbox (X26ABC2), by MESH local id (the agreement)."""
    inbox = mesh_receive(mailbox(url, "X26ABC2"), folder)
    return {m.local_id or "": m.path.read_text() for m in inbox}


def send_form(token: str, agreement: str = "DC-1") -> dict[str, str]:
    return {"csrf_token": token, "agreement_id": agreement, "to": "x26abc2", "nhs_column": "nhs_number"}


def test_a_prepared_share_is_sent_through_the_audited_service(ig: tuple[TestClient, str], web_store: Store,
                                                              empty_inboxes: str, tmp_path: Path) -> None:
    client, token = ig
    page = client.get("/sharing/shares")
    assert page.status_code == 200 and 'id="mailbox">X26ABC1<' in page.text
    assert 'action="/sharing/shares/send"' in page.text and 'enctype="multipart/form-data"' in page.text
    before = len(read_log(web_store).entries)
    forged = client.post("/sharing/shares/send", data={**send_form(token), "csrf_token": "forged"},
                         files={"file": ("care.csv", csv_bytes(ROWS), "text/csv")})
    assert forged.status_code == 403 and len(read_log(web_store).entries) == before

    for agreement in ("DC-1", "CM-1"):
        done = client.post("/sharing/shares/send", data=send_form(token, agreement), follow_redirects=False,
                           files={"file": ("../care list.csv", csv_bytes(ROWS), "text/csv")})
        assert done.status_code == 303 and done.headers["location"].startswith("/sharing/shares?done=sent&message=")
    shown = client.get(done.headers["location"])
    assert "Sent: care_list.csv: 1 rows sent, 2 withheld (1 objection to sharing, 1 national data opt-out)" in (
        shown.text)
    sends = [e for e in read_log(web_store).entries if e.action == "share.send"]
    assert [(e.agreement_id, e.purpose, e.actor) for e in sends] == [
        ("DC-1", "direct_care", BY_KEY["ig_lead"].email), ("CM-1", "commissioning", BY_KEY["ig_lead"].email)]
    assert sends[0].subject.startswith("care_list.csv: 2 rows sent, 1 withheld (1 objection to sharing), to X26ABC2")

    got = arrived(empty_inboxes, tmp_path / "00C")
    assert set(got) == {"DC-1", "CM-1"}
    assert f"person {OPTED_OUT}" in got["DC-1"], "the national data opt-out does not stop direct care"
    assert f"person {OBJECTOR}" not in got["DC-1"] and f"person {OTHER}" in got["DC-1"]
    (kept,) = list(csv.DictReader(io.StringIO(got["CM-1"])))
    assert kept["name"] == f"person {OTHER}", "commissioning: only the person with neither kind"
    assert kept["nhs_number"] != OTHER and len(kept["nhs_number"]) > 10, "a pseudonym, not the NHS number"
    assert read_log(web_store).intact


def test_a_refused_share_sends_nothing_and_says_why(ig: tuple[TestClient, str], web_store: Store,
                                                    empty_inboxes: str, tmp_path: Path) -> None:
    client, token = ig
    extra = [{**row, "postcode": "S60 2TH"} for row in ROWS]
    refused = client.post("/sharing/shares/send", data=send_form(token),
                          files={"file": ("care.csv", csv_bytes(extra), "text/csv")})
    assert refused.status_code == 422 and "field &#39;postcode&#39; is not permitted by agreement DC-1" in refused.text
    assert 'value="x26abc2"' in refused.text, "what was typed is kept"
    no_file = client.post("/sharing/shares/send", data=send_form(token))
    assert no_file.status_code == 422 and "choose the CSV file to send" in no_file.text
    actions = [e.action for e in read_log(web_store).entries if e.action.startswith("share.")]
    assert actions == ["share.send.refused"]
    assert arrived(empty_inboxes, tmp_path / "00C") == {}


def test_waiting_messages_are_received_checked_and_registered(ig: tuple[TestClient, str], web_store: Store,
                                                              empty_inboxes: str, tmp_path: Path) -> None:
    client, token = ig
    theirs = mailbox(empty_inboxes, "X26ABC2")
    send_bytes(theirs, "X26ABC1", csv_bytes(ROWS), "back.csv", local_id="DC-1")
    send_bytes(theirs, "X26ABC1", csv_bytes(ROWS), "stray.csv", local_id="NO-SUCH")
    done = client.post("/sharing/shares/receive", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/sharing/shares?done=received&received=1&refused=1"
    page = client.get(done.headers["location"])
    assert "1 message received and kept; 1 refused" in page.text
    assert "no local data-sharing agreement &#39;NO-SUCH&#39;" in page.text
    (held,) = sharing.held_datasets(web_store)
    assert held.agreement_id == "DC-1" and held.rows == 3 and Path(held.path).parent == tmp_path / "inbox"
    assert Path(held.path).read_bytes() == csv_bytes(ROWS)
    entries = [e for e in read_log(web_store).entries if e.action.startswith("share.receive")]
    assert sorted(e.action for e in entries) == ["share.receive", "share.receive.refused"]
    assert {e.actor for e in entries} == {BY_KEY["ig_lead"].email}
    again = client.post("/sharing/shares/receive", data={"csrf_token": token}, follow_redirects=False)
    assert again.headers["location"].endswith("received=0&refused=1"), "the refused message stays in the mailbox"


def test_without_mesh_the_page_says_so_and_nothing_is_sent(web_store: Store) -> None:
    setup(web_store)
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        token = log_in(client, BY_KEY["ig_lead"].email)
        page = client.get("/sharing/shares")
        assert 'id="mesh-off"' in page.text and 'action="/sharing/shares/send"' not in page.text
        refused = client.post("/sharing/shares/send", data=send_form(token),
                              files={"file": ("care.csv", csv_bytes(ROWS), "text/csv")})
        assert refused.status_code == 409 and "MESH is not set up" in refused.text
        assert client.post("/sharing/shares/receive", data={"csrf_token": token}).status_code == 409
    assert not any(e.action.startswith("share.") for e in read_log(web_store).entries)


@pytest.mark.parametrize(("module", "sends_with"), [(WEB, "send_upload"), (API, "send_upload")])
def test_the_pages_and_api_call_the_service_the_cli_calls_from_plain_def_handlers(module: Path,
                                                                                   sends_with: str) -> None:
    """No copy of the send or receive: the handlers reach services.sharing (the page's and the API's send
    through one upload helper), and never run on the event loop."""
    tree = ast.parse(module.read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    assert isinstance(functions["send"], ast.FunctionDef) and isinstance(functions["receive"], ast.FunctionDef)

    def calls(name: str) -> set[str]:
        return {ast.unparse(c.func) for c in ast.walk(functions[name]) if isinstance(c, ast.Call)}

    assert sends_with in calls("send") and "sharing.receive" in calls("receive")
    helper = ast.parse(WEB.read_text())
    (upload,) = [n for n in helper.body if isinstance(n, ast.FunctionDef) and n.name == "send_upload"]
    assert "sharing.send" in {ast.unparse(c.func) for c in ast.walk(upload) if isinstance(c, ast.Call)}
    every = {ast.unparse(c.func) for c in ast.walk(tree) if isinstance(c, ast.Call)}
    assert not any(name.startswith(("send_bytes", "receive_checked", "mesh.")) for name in every)


def test_the_api_sends_and_receives_through_the_same_service(ig: tuple[TestClient, str], web_store: Store,
                                                             empty_inboxes: str, tmp_path: Path) -> None:
    client, _ = ig
    token = client.get("/api/me").json()["csrf_token"]
    upload = {"file": ("care.csv", csv_bytes(ROWS), "text/csv")}
    fields = {"agreement_id": "CM-1", "to": "X26ABC2"}
    assert client.post("/api/sharing/mesh/send", data=fields, files=upload).status_code == 403, "no CSRF token"
    sent = client.post("/api/sharing/mesh/send", data=fields, files=upload, headers={"X-CSRF-Token": token})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert (body["rows_sent"], body["withheld"], body["recipient_mailbox"]) == (1, 2, "X26ABC2")
    assert body["withheld_summary"] == "2 withheld (1 objection to sharing, 1 national data opt-out)"
    assert [f["rule"] for f in body["findings"]] == ["objection", "national-data-opt-out"]
    refused = client.post("/api/sharing/mesh/send", data={**fields, "agreement_id": "NO-SUCH"}, files=upload,
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 403 and "no data-sharing agreement" in refused.json()["error"]["detail"]

    send_bytes(mailbox(empty_inboxes, "X26ABC2"), "X26ABC1", csv_bytes(ROWS), "back.csv", local_id="DC-1")
    got = client.post("/api/sharing/mesh/receive", headers={"X-CSRF-Token": token})
    assert got.status_code == 200 and [m["agreement_id"] for m in got.json()["received"]] == ["DC-1"]
    listed = client.get("/api/sharing/shares").json()
    assert [s["action"] for s in listed] == ["share.receive", "share.send.refused", "share.send"]
    assert {s["actor"] for s in listed} == {BY_KEY["ig_lead"].email}
    assert [e.action for e in read_log(web_store).entries if e.action.startswith("share.")] == [
        "share.send", "share.send.refused", "share.receive"]


def test_the_api_refuses_other_roles_and_says_when_mesh_is_not_set_up(web_store: Store) -> None:
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        log_in(client, BY_KEY["auditor"].email)
        token = client.get("/api/me").json()["csrf_token"]
        assert client.get("/api/sharing/shares").status_code == 403
        assert client.post("/api/sharing/mesh/receive", headers={"X-CSRF-Token": token}).status_code == 403
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        log_in(client, BY_KEY["ig_lead"].email)
        token = client.get("/api/me").json()["csrf_token"]
        off = client.post("/api/sharing/mesh/receive", headers={"X-CSRF-Token": token})
        assert off.status_code == 409 and "MESH is not set up" in off.json()["error"]["detail"]


def test_the_send_confirmation_lists_each_withheld_row_and_its_kind(ig: tuple[TestClient, str], web_store: Store,
                                                                    empty_inboxes: str, tmp_path: Path) -> None:
    """As ``carepool share send`` prints them: row number (header = row 1) and why, never the NHS number;
    shown only to the IG lead who sent it, and each showing is audited (without the numbers)."""
    client, token = ig
    unreadable = "9434765918"
    assert problem(unreadable), "a number failing its check digit"
    rows = [*ROWS, {"nhs_number": unreadable, "name": "person unreadable", "care_package": "home care"}]
    withheld = {}
    for agreement in ("DC-1", "CM-1"):
        done = client.post("/sharing/shares/send", data=send_form(token, agreement), follow_redirects=False,
                           files={"file": ("care.csv", csv_bytes(rows), "text/csv")})
        assert done.status_code == 303
        page = client.get(done.headers["location"])
        assert page.status_code == 200
        table = page.text.split('id="withheld"', 1)[1].split("</table>", 1)[0]
        withheld[agreement] = [(int(r), why) for r, why in re.findall(r'data-row="(\d+)" data-why="([^"]+)"', table)]
        for label in {why for _, why in withheld[agreement]}:
            assert f">{label}</div></td>" in table, "the reason is shown, not only marked up"
        for number in (OBJECTOR, OPTED_OUT, OTHER, unreadable):
            assert number not in page.text
    assert withheld["DC-1"] == [(2, "Objection to sharing"), (5, "NHS number unreadable")]
    assert withheld["CM-1"] == [(2, "Objection to sharing"), (3, "National data opt-out"),
                                (5, "NHS number unreadable")]
    shown = [e for e in read_log(web_store).entries if e.action == "objection.read"]
    assert [(e.agreement_id, e.actor) for e in shown] == [("DC-1", BY_KEY["ig_lead"].email),
                                                          ("CM-1", BY_KEY["ig_lead"].email)]
    assert "2 withheld rows shown" in shown[0].subject and "3 withheld rows shown" in shown[1].subject
    assert not any(n in e.subject for e in shown for n in (OBJECTOR, OPTED_OUT, unreadable))
    # the list travels in the sender's own session: the same address in another IG session shows none
    with TestClient(client.app) as other:
        log_in(other, BY_KEY["ig_lead"].email)
        again = other.get(done.headers["location"])
        assert again.status_code == 200 and 'id="withheld"' not in again.text
    assert len([e for e in read_log(web_store).entries if e.action == "objection.read"]) == 2
