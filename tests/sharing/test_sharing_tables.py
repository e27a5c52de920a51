"""The sharing tables on SQLite and PostgreSQL, and tampering done directly in SQL."""

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from carepool.cli import audit as audit_cli
from carepool.errors import ConflictError, NotFound
from carepool.findings import Severity
from carepool.sharing.agreements import Agreement, Purpose
from carepool.sharing.audit import verify
from carepool.sharing.objections import Objection
from carepool.store import sharing_tables as repo
from carepool.store.db import Store

app = typer.Typer()  # only this command group: other groups are not this test's business
app.add_typer(audit_cli.group, name=audit_cli.GROUP_NAME)
T0 = datetime(2016, 6, 1, 9, 0, tzinfo=UTC)
AGREEMENT = Agreement("DSA-1", ("RR8", "00C"), Purpose.EVALUATION, "GDPR 6(1)(e), 9(2)(h)",
                      frozenset({"nhs_number", "cost"}), 365, date(2016, 4, 1), date(2017, 3, 31))


def fill(store: Store, n: int = 5) -> None:
    for i in range(n):
        with store.transaction() as session:
            repo.append_audit(session, at=T0 + timedelta(minutes=i), actor="ann", action="share.send",
                              subject=f"file{i}.csv", agreement_id="DSA-1", purpose="evaluation")


def problems(store: Store) -> list[tuple[str, int | None]]:
    with store.transaction() as session:
        entries, head_seq, head_hash = repo.read_audit(session)
    return [(f.rule, f.location.row) for f in verify(entries, head_seq=head_seq, head_hash=head_hash)
            if f.severity is Severity.ERROR]


def drop_guards(store: Store) -> None:
    """What someone with the database's DDL rights can do: remove the append-only triggers."""
    postgres = store.engine.dialect.name == "postgresql"
    with store.engine.begin() as conn:
        for table in ("sharing_audit", "sharing_audit_head"):
            for verb in ("update", "delete", "truncate"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}" + (f" ON {table}" if postgres else "")))


def test_agreements_keys_and_objections_round_trip(store: Store) -> None:
    with store.transaction() as session:
        repo.add_agreement(session, AGREEMENT)
        repo.add_objection(session, Objection("9434765919", "RR8", date(2016, 5, 1)))
    with store.transaction() as session:
        assert repo.get_agreement(session, "DSA-1") == AGREEMENT
        assert repo.get_key(session, "DSA-1").controller == "RR8"
        assert [o.nhs_number for o in repo.list_objections(session)] == ["9434765919"]
        with pytest.raises(NotFound):
            repo.get_agreement(session, "nope")
    with pytest.raises(ConflictError), store.transaction() as session:
        repo.add_agreement(session, AGREEMENT)


def test_an_intact_log_verifies_and_chains(store: Store) -> None:
    fill(store)
    assert problems(store) == []
    with store.transaction() as session:
        entries, head_seq, _ = repo.read_audit(session)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5] and head_seq == 5
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


def test_sql_edit_is_detected(store: Store) -> None:
    fill(store)
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sharing_audit SET actor = 'mallory' WHERE seq = 2"))
    assert problems(store) == [("audit-edited", 2)]


def test_sql_delete_is_detected_in_the_middle_and_at_the_end(store: Store) -> None:
    fill(store)
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_audit WHERE seq = 3"))
    assert problems(store) == [("audit-removed", 4)]
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_audit WHERE seq = 5"))
    assert ("audit-removed", 5) in problems(store)


def test_sql_reorder_is_detected(store: Store) -> None:
    fill(store)
    drop_guards(store)
    with store.engine.begin() as conn:  # swap the storage order of entries 2 and 3
        conn.execute(text("UPDATE sharing_audit SET id = 1000 WHERE seq = 2"))
        conn.execute(text("UPDATE sharing_audit SET id = 2 WHERE seq = 3"))
        conn.execute(text("UPDATE sharing_audit SET id = 3 WHERE seq = 2"))
    found = problems(store)
    assert found and {rule for rule, _ in found} == {"audit-reordered"}


def test_cli_audit_verify_reports_tampering(store_url: str, store: Store, tmp_path: Path) -> None:
    fill(store, 3)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--db", store_url])
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 entries" in ok.output
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE sharing_audit SET subject = 'other.csv' WHERE seq = 1"))
    bad = runner.invoke(app, ["audit", "verify", "--db", store_url])
    assert bad.exit_code == 3
    assert "tampered" in bad.output and "audit-edited" in bad.output
