"""``carepool share send/receive`` end to end: store, agreement checks, objections, real mesh-sandbox."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carepool.cli import audit as audit_cli
from carepool.cli import share as share_cli
from carepool.store import sharing_tables as repo
from carepool.store.db import open_store
from tests.sharing.mesh_fixtures import empty_inboxes, mesh_url

__all__ = ["empty_inboxes", "mesh_url"]

app = typer.Typer()
app.add_typer(share_cli.group, name=share_cli.GROUP_NAME)
app.add_typer(audit_cli.group, name=audit_cli.GROUP_NAME)

OBJECTOR = "9434765919"
OTHERS = ["9434765870", "9990000026", "9990000018"]
ROWS = [
    {"nhs_number": OBJECTOR, "name": "Objecting Person", "care_package": "home care"},
    {"nhs_number": OTHERS[0], "name": "Ann Other", "care_package": "reablement"},
    {"nhs_number": "943 476 5918", "name": "Mistyped Number", "care_package": "day care"},
    {"nhs_number": OTHERS[1], "name": "Bob Third", "care_package": "home care"},
]


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def env(empty_inboxes: str, tmp_path: Path) -> dict[str, str]:
    return {"CAREPOOL_DB": str(tmp_path / "carepool.db"), "CAREPOOL_MESH_URL": empty_inboxes,
            "CAREPOOL_MESH_PASSWORD": "password", "CAREPOOL_MESH_SHARED_KEY": "TestKey",
            "CAREPOOL_ACTOR": "ann@RR8"}


def cli(env: dict[str, str], *args: str, mailbox: str = "X26ABC1") -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "CAREPOOL_MESH_MAILBOX": mailbox})
    return result.exit_code, result.output


def setup_agreements(env: dict[str, str]) -> None:
    common = ["--parties", "RR8,00C", "--legal-basis", "HSCA 2012 s.251B", "--retention-days", "365",
              "--start", "2016-04-01", "--end", "2017-03-31", "--mailboxes", "RR8=X26ABC1,00C=X26ABC2"]
    assert cli(env, "share", "agreement", "add", "--id", "DC-1", "--purpose", "direct_care",
               "--fields", "nhs_number,name,care_package", *common)[0] == 0
    assert cli(env, "share", "agreement", "add", "--id", "EV-1", "--purpose", "evaluation",
               "--fields", "nhs_number,care_package", *common)[0] == 0
    assert cli(env, "share", "objection", "add", "943-476-5919", "--org", "RR8")[0] == 0


def received_text(env: dict[str, str], tmp_path: Path) -> str:
    code, output = cli(env, "share", "receive", "--out-dir", str(tmp_path / "inbox"), "--on", "2016-09-02",
                       mailbox="X26ABC2")
    assert code == 0, output
    return "".join(p.read_text() for p in sorted((tmp_path / "inbox").glob("*.csv")))


def test_direct_care_share_withholds_the_objector_and_is_audited(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)
    source = write(tmp_path / "care.csv", ROWS)
    code, output = cli(env, "share", "send", "--agreement", "DC-1", "--to", "X26ABC2", "--on", "2016-09-01",
                       str(source))
    assert code == 0, output
    assert "sent 2 rows" in output and "2 rows withheld" in output
    text = received_text(env, tmp_path)
    assert OBJECTOR not in text and "Objecting Person" not in text
    assert "Mistyped Number" not in text  # its number cannot be checked against the registry
    assert OTHERS[0] in text and "Bob Third" in text
    code, output = cli(env, "audit", "verify")
    assert code == 0 and "intact: 5 entries" in output  # 2 agreements, 1 objection, send, receive
    store = open_store(env["CAREPOOL_DB"])
    with store.transaction() as session:
        entries, _, _ = repo.read_audit(session)
    store.dispose()
    send = next(e for e in entries if e.action == "share.send")
    assert (send.actor, send.agreement_id, send.purpose) == ("ann@RR8", "DC-1", "direct_care")
    assert "2 rows sent, 2 withheld" in send.subject


def test_evaluation_share_is_pseudonymised_without_objectors(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)
    source = write(tmp_path / "eval.csv", [{k: r[k] for k in ("nhs_number", "care_package")} for r in ROWS])
    code, output = cli(env, "share", "send", "--agreement", "EV-1", "--to", "X26ABC2", "--on", "2016-09-01",
                       str(source))
    assert code == 0, output
    text = received_text(env, tmp_path)
    store = open_store(env["CAREPOOL_DB"])
    with store.transaction() as session:
        key = repo.get_key(session, "EV-1")
    store.dispose()
    assert key.secret.hex() not in text
    for number in [OBJECTOR, *OTHERS]:
        assert number not in text
    assert text.count("ps_") == 2


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--agreement", "DC-1", "--on", "2017-04-01"], 6, "expired on 2017-03-31"),
    (["--agreement", "DC-1", "--on", "2016-01-01"], 6, "not yet in force"),
    (["--agreement", "NOPE", "--on", "2016-09-01"], 6, "no data-sharing agreement"),
    (["--agreement", "EV-1", "--on", "2016-09-01"], 6, "'name' is not permitted"),
    (["--agreement", "DC-1", "--on", "2016-09-01", "--recipient-org", "X99"], 6, "not a party"),
])
def test_refused_shares_send_nothing(env: dict[str, str], tmp_path: Path, args: list[str], code: int,
                                     message: str) -> None:
    setup_agreements(env)
    source = write(tmp_path / "care.csv", ROWS)
    got, output = cli(env, "share", "send", "--to", "X26ABC2", *args, str(source))
    assert got == code, output
    assert message in " ".join(output.split())
    assert received_text(env, tmp_path) == ""


def test_bad_mailbox_credentials_and_files(env: dict[str, str], tmp_path: Path) -> None:
    setup_agreements(env)
    source = write(tmp_path / "care.csv", ROWS)
    send = ["share", "send", "--agreement", "DC-1", "--on", "2016-09-01"]
    code, output = cli(env, *send, "--to", "NOSUCH9", str(source))
    assert code == 4 and "unknown mailbox" in output
    code, output = cli({**env, "CAREPOOL_MESH_PASSWORD": "wrong"}, *send, "--to", "X26ABC2", str(source))
    assert code == 6 and "refused the credentials" in output
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("nhs_number,name,care_package\n9434765870,Ann\n")
    code, output = cli(env, *send, "--to", "X26ABC2", str(ragged))
    assert code == 2 and "do not have 3 fields" in output
    no_nhs = write(tmp_path / "no_nhs.csv", [{"name": "Ann", "care_package": "x"}])
    code, output = cli(env, *send, "--to", "X26ABC2", str(no_nhs))
    assert code == 6 and "objections cannot be checked" in " ".join(output.split())
    assert received_text(env, tmp_path) == ""
    assert cli(env, "audit", "verify")[0] == 0
