"""The sharing lifecycle end to end on a real store and a real mesh-sandbox: objections withdrawn,
receipts checked against the local agreement, retention purged, refusals audited."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import text

from carepool.demo.sharing_step import SANDBOX_KEY, SANDBOX_PASSWORD
from carepool.exchange.mesh import MeshConfig, send_bytes
from carepool.linkage.synthetic import synthetic_files
from carepool.store import sharing_tables as repo
from carepool.store.db import open_store
from tests.sharing.mesh_fixtures import empty_inboxes, mesh_url
from tests.sharing.test_share_cli import OBJECTOR, OTHERS, ROWS, cli, setup_agreements, write

__all__ = ["empty_inboxes", "mesh_url"]


@pytest.fixture
def env(empty_inboxes: str, tmp_path: Path) -> dict[str, str]:
    return {"CAREPOOL_DB": str(tmp_path / "carepool.db"), "CAREPOOL_MESH_URL": empty_inboxes,
            "CAREPOOL_MESH_PASSWORD": SANDBOX_PASSWORD, "CAREPOOL_MESH_SHARED_KEY": SANDBOX_KEY,
            "CAREPOOL_ACTOR": "ann@RR8"}


def entries(env: dict[str, str]) -> list[repo.AuditEntry]:
    store = open_store(env["CAREPOOL_DB"])
    try:
        with store.transaction() as session:
            return repo.read_audit(session)[0]
    finally:
        store.dispose()


def intact(env: dict[str, str]) -> None:
    code, output = cli(env, "audit", "verify")
    assert code == 0 and "intact" in output, output


def receive(env: dict[str, str], out: Path, on: str = "2016-09-02") -> tuple[int, str]:
    return cli(env, "share", "receive", "--out-dir", str(out), "--on", on, mailbox="X26ABC2")


def send(env: dict[str, str], source: Path, agreement: str = "DC-1", on: str = "2016-09-01") -> tuple[int, str]:
    return cli(env, "share", "send", "--agreement", agreement, "--to", "X26ABC2", "--on", on, str(source))


def test_a_withdrawn_objection_allows_sharing_again(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)
    source = write(tmp_path / "care.csv", ROWS)
    assert send(env, source)[0] == 0
    assert receive(env, tmp_path / "before")[0] == 0
    assert OBJECTOR not in "".join(p.read_text() for p in (tmp_path / "before").glob("*.csv"))

    code, output = cli(env, "share", "objection", "withdraw", "943 476 5919")
    assert code == 0, output
    assert cli(env, "share", "objection", "count")[1].strip() == (
        "0 objections registered: 0 objection to sharing, 0 national data opt-out")
    code, output = cli(env, "share", "objection", "withdraw", OBJECTOR)
    assert code == 4 and "no objection is recorded" in output  # nothing left to withdraw

    code, output = send(env, source, on="2016-10-02")
    assert code == 0 and "sent 3 rows" in output  # only the unreadable number is still withheld
    assert receive(env, tmp_path / "after", on="2016-10-03")[0] == 0
    text_after = "".join(p.read_text() for p in (tmp_path / "after").glob("*.csv"))
    assert OBJECTOR in text_after and "Objecting Person" in text_after

    store = open_store(env["CAREPOOL_DB"])
    try:
        with store.transaction() as session:
            history = repo.objection_history(session, OBJECTOR)
        assert [e.event for e in history] == ["recorded", "withdrawn"]
        # the history is append-only: the database refuses to rewrite it
        for statement in ("UPDATE sharing_objection_events SET event = 'recorded'",
                          "DELETE FROM sharing_objection_events"):
            with pytest.raises(Exception, match="append-only"), store.transaction() as session:
                session.execute(text(statement))
    finally:
        store.dispose()
    withdrawn = [e for e in entries(env) if e.action == "objection.withdraw"]
    assert len(withdrawn) == 1 and OBJECTOR not in withdrawn[0].subject
    intact(env)
    # objecting again is possible, and takes effect at once
    assert cli(env, "share", "objection", "add", OBJECTOR, "--org", "RR8")[0] == 0
    assert "sent 2 rows" in send(env, source, on="2016-10-04")[1]


def test_no_objector_data_appears_in_any_output(env: dict[str, str], tmp_path: Path) -> None:
    """Direct care to another organisation, an evaluation share and a secondary-use linkage."""
    setup_agreements(env)
    files = synthetic_files(150, 300, seed=11)
    social = files.social_care
    objector_row = social[social["nhs_no"].str.replace(r"\D", "", regex=True).str.len() == 10].iloc[0]
    number = objector_row["nhs_no"].replace(" ", "").replace("-", "")
    assert cli(env, "share", "objection", "add", number, "--org", "RR8")[0] == 0
    social_csv, health_csv = tmp_path / "social.csv", tmp_path / "health.csv"
    social.to_csv(social_csv, index=False)
    files.health.to_csv(health_csv, index=False)
    out = tmp_path / "links.csv"
    code, output = cli(env, "share", "link", str(social_csv), str(health_csv), "--id-left", "person_ref",
                       "--id-right", "health_id", "--map", "nhs_no=nhs_number", "--map", "first_name=forename",
                       "--map", "last_name=surname", "--map", "birth_date=date_of_birth", "--map", "sex=gender",
                       "--map", "post_code=postcode", "--out", str(out), "--purpose", "evaluation")
    assert code == 0, output
    linked = out.read_text() + out.with_name("links.review.csv").read_text()
    health_ids = set(files.health.loc[files.health["nhs_number"] == number, "health_id"])
    assert objector_row["person_ref"] not in linked and not any(h in linked for h in health_ids)
    assert "linkage.read" in [e.action for e in entries(env)]

    shared = write(tmp_path / "care.csv", ROWS)
    assert send(env, shared)[0] == 0
    evaluation = write(tmp_path / "eval.csv", [{k: r[k] for k in ("nhs_number", "care_package")} for r in ROWS])
    assert send(env, evaluation, agreement="EV-1")[0] == 0
    assert receive(env, tmp_path / "inbox")[0] == 0
    received = "".join(p.read_text() for p in (tmp_path / "inbox").glob("*.csv"))
    assert OBJECTOR not in received and "Objecting Person" not in received
    assert OTHERS[0] in received  # the direct-care share did arrive
    intact(env)


def test_receive_refuses_what_no_local_agreement_covers(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)
    box = {b: MeshConfig(env["CAREPOOL_MESH_URL"], b, SANDBOX_PASSWORD, SANDBOX_KEY)
           for b in ("X26ABC1", "X26ABC3")}
    good = b"nhs_number,name,care_package\n9434765870,Ann Other,reablement\n"
    send_bytes(box["X26ABC1"], "X26ABC2", good, "unknown.csv", local_id="NOPE")
    send_bytes(box["X26ABC3"], "X26ABC2", good, "stranger.csv", local_id="DC-1")
    send_bytes(box["X26ABC1"], "X26ABC2", b"nhs_number,religion\n9434765870,none\n", "extra.csv", local_id="DC-1")
    out = tmp_path / "inbox"
    code, output = receive(env, out)
    flat = " ".join(output.split())
    assert code == 6, output
    assert "0 messages received" in flat and "3 messages refused" in flat
    assert "no local data-sharing agreement 'NOPE'" in flat
    assert "mailbox X26ABC3 is not the mailbox of a party to agreement DC-1" in flat
    assert "field 'religion' is not permitted by agreement DC-1" in flat
    assert list(out.glob("*")) == []  # nothing written

    refused = [e for e in entries(env) if e.action == "share.receive.refused"]
    assert len(refused) == 3 and all(e.actor == "ann@RR8" for e in refused)
    assert any("religion" in e.subject and e.agreement_id == "DC-1" for e in refused)
    intact(env)

    # left in the inbox, not acknowledged: an expired agreement refuses a proper message too
    send_bytes(box["X26ABC1"], "X26ABC2", good, "late.csv", local_id="DC-1")
    code, output = receive(env, out, on="2017-05-01")
    assert code == 6 and "4 messages refused" in " ".join(output.split())
    assert "expired on 2017-03-31" in " ".join(output.split())
    assert list(out.glob("*")) == []
    code, output = receive(env, out)  # in force again on the day: the good one is accepted
    assert code == 6 and "1 messages received" in " ".join(output.split())
    assert [p.name.split("_", 1)[1] for p in out.glob("*.csv")] == ["late.csv"]
    intact(env)


def test_retention_is_enforced_by_purge_and_on_read(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)  # DC-1 keeps received data for 365 days
    assert send(env, write(tmp_path / "care.csv", ROWS))[0] == 0
    assert receive(env, tmp_path / "inbox")[0] == 0
    code, output = cli(env, "share", "datasets", "--on", "2017-09-02")
    assert code == 0 and '"received_on": "2016-09-02"' in output and '"purged_at": null' in output
    assert '"delete_after": "2017-09-02"' in output and '"status": "held"' in output
    code, output = cli(env, "share", "datasets", "--on", "2017-09-03")
    assert code == 0 and '"status": "past retention"' in output
    held = next((tmp_path / "inbox").glob("*.csv"))

    code, output = cli(env, "share", "read", "1", "--on", "2017-09-02")  # the last day of retention
    assert code == 0 and OTHERS[0] in output
    code, output = cli(env, "share", "read", "1", "--on", "2017-09-03")
    assert code == 6 and "retention under agreement DC-1 (365 days from 2016-09-02) ended on 2017-09-02" in \
        " ".join(output.split())

    code, output = cli(env, "share", "purge", "--on", "2017-09-02")
    assert code == 0 and "0 datasets purged" in output and held.exists()
    code, output = cli(env, "share", "purge", "--on", "2017-09-03")
    assert code == 0 and "1 datasets purged" in output and not held.exists()
    code, output = cli(env, "share", "read", "1", "--on", "2017-01-01")
    assert code == 6 and "purged" in output

    actions = [e.action for e in entries(env)]
    assert actions.count("retention.purge") == 1
    assert actions.count("dataset.read") == 1 and actions.count("dataset.read.refused") == 2
    intact(env)


@pytest.mark.parametrize(("args", "reason"), [
    (["--agreement", "DC-1", "--on", "2017-04-01"], "expired on 2017-03-31"),
    (["--agreement", "NOPE", "--on", "2016-09-01"], "no data-sharing agreement"),
    (["--agreement", "EV-1", "--on", "2016-09-01"], "'name' is not permitted"),
])
def test_a_refused_share_is_audited_and_the_chain_still_verifies(env: dict[str, str], tmp_path: Path,
                                                                  args: list[str], reason: str) -> None:
    setup_agreements(env)
    source = write(tmp_path / "care.csv", ROWS)
    code, output = cli(env, "share", "send", "--to", "X26ABC2", *args, str(source))
    assert code == 6 and reason in " ".join(output.split())
    last = entries(env)[-1]
    assert last.action == "share.send.refused" and last.actor == "ann@RR8"
    assert last.agreement_id == args[1] and reason in last.subject
    assert "care.csv (4 rows) to X26ABC2" in last.subject
    assert OBJECTOR not in last.subject
    intact(env)
    with open(source, newline="") as handle:  # the file itself is untouched
        assert len(list(csv.DictReader(handle))) == 4
