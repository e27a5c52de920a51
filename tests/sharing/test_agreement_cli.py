"""``carepool share agreement review|end``: the same services as the web's agreement page, audited."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from typer.testing import CliRunner

from carepool.cli import share as share_cli
from carepool.services.sharing_audit import read_log
from carepool.store.db import open_store

app = typer.Typer()
app.add_typer(share_cli.group, name=share_cli.GROUP_NAME)


def cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--db", db], env={"CAREPOOL_ACTOR": "ig@RR8"})
    return result.exit_code, result.output


def test_an_agreement_is_reviewed_and_ended_early_at_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert cli(db, "share", "agreement", "add", "--id", "DC-1", "--parties", "RR8,00C", "--purpose", "direct_care",
               "--legal-basis", "s.251B", "--fields", "nhs_number", "--retention-days", "30",
               "--start", "2025-04-01", "--end", "2027-03-31")[0] == 0
    code, output = cli(db, "share", "agreement", "review", "DC-1", "--outcome", "sometimes", "--note", "x")
    assert code != 0 and "unknown outcome 'sometimes'" in output
    assert cli(db, "share", "agreement", "review", "DC-1", "--outcome", "continue", "--note", "fine",
               "--on", "2025-10-01")[0] == 0
    code, output = cli(db, "share", "agreement", "end", "DC-1", "--reason", "service closed", "--on", "2026-03-31")
    assert code == 0 and "now ends on 2026-03-31 (was 2027-03-31)" in output
    code, output = cli(db, "share", "agreement", "end", "DC-1", "--reason", "again", "--on", "2026-06-30")
    assert code != 0 and "already ends on 2026-03-31" in output
    code, output = cli(db, "share", "agreement", "list")
    assert json.loads(output)[0]["end"] == str(date(2026, 3, 31))
    store = open_store(db)
    entries = read_log(store).entries
    store.dispose()
    assert [(e.action, e.actor) for e in entries] == [("agreement.add", "ig@RR8"), ("agreement.review", "ig@RR8"),
                                                      ("agreement.expire", "ig@RR8")]
    assert "reviewed on 2025-10-01: continues unchanged: fine" in entries[1].subject
