"""The audit trail cannot be cut short unnoticed (issue 16 item 11): the database refuses edits,
deletes and a head wound back; the chain is keyed with a key held outside the database; an
anchor exported with `carepool audit anchor` proves truncation, wiping and rewriting. On SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from carepool.cli import audit as audit_cli
from carepool.errors import CarepoolError
from carepool.sharing.audit import entry_hash
from carepool.store import sharing_tables as repo
from carepool.store.db import Store

from .test_sharing_tables import drop_guards

KEY = "k" * 40
T0 = datetime(2016, 6, 1, 9, 0, tzinfo=UTC)
app = typer.Typer()
app.add_typer(audit_cli.group, name=audit_cli.GROUP_NAME)


@pytest.fixture(autouse=True)
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOOL_AUDIT_KEY", KEY)
    monkeypatch.delenv("CAREPOOL_AUDIT_KEY_FILE", raising=False)


def fill(store: Store, n: int = 5, key: bytes | None = KEY.encode()) -> None:
    for i in range(n):
        with store.transaction() as session:
            repo.append_audit(session, key=key, at=T0 + timedelta(minutes=i), actor="ann", action="share.send",
                              subject=f"file{i}.csv", agreement_id="DSA-1", purpose="evaluation")


def verify(store_url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", "--db", store_url, *extra])
    return result.exit_code, result.output


def anchor(store_url: str, tmp_path: Path) -> Path:
    out = tmp_path / "anchor.json"
    result = CliRunner().invoke(app, ["audit", "anchor", "--db", store_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "entry 5" in result.output
    return out


@pytest.mark.parametrize("statement", [
    "UPDATE sharing_audit SET actor = 'mallory' WHERE seq = 2",
    "DELETE FROM sharing_audit WHERE seq = 5",
    "DELETE FROM sharing_audit",
    "DELETE FROM sharing_audit_head",
    "UPDATE sharing_audit_head SET seq = 3",
    "UPDATE sharing_audit_head SET seq = 7",
])
def test_the_database_refuses_cutting_or_editing_the_log(store: Store, statement: str) -> None:
    fill(store)
    with pytest.raises(CarepoolError), store.transaction() as session:
        session.execute(text(statement))
    with store.transaction() as session:
        entries, head_seq, _ = repo.read_audit(session)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5] and head_seq == 5
    fill(store, 1)   # appending (which moves the head on by one) still works
    with store.transaction() as session:
        assert repo.read_audit(session)[1] == 6


def test_truncation_with_the_head_moved_back_is_caught_by_the_anchor(store_url: str, store: Store,
                                                                     tmp_path: Path) -> None:
    fill(store)
    kept = anchor(store_url, tmp_path)
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_audit WHERE seq >= 4"))
        last = conn.execute(text("SELECT hash FROM sharing_audit WHERE seq = 3")).scalar_one()
        conn.execute(text("UPDATE sharing_audit_head SET seq = 3, hash = :h"), {"h": last})
    code, _ = verify(store_url)
    assert code == 0     # without the anchor the shortened log looks whole: that is why anchors exist
    code, output = verify(store_url, "--anchor", str(kept))
    assert code == 3 and "audit-truncated" in output and "entry 5" in " ".join(output.split())


def test_wiping_both_tables_is_caught_by_the_anchor(store_url: str, store: Store, tmp_path: Path) -> None:
    fill(store)
    kept = anchor(store_url, tmp_path)
    drop_guards(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_audit"))
        conn.execute(text("DELETE FROM sharing_audit_head"))
    code, output = verify(store_url, "--anchor", str(kept))
    assert code == 3 and "audit-truncated" in output


def test_a_rewrite_with_recomputed_hashes_is_caught_by_the_key(store_url: str, store: Store) -> None:
    """The attacker has the database but not the key: recomputing the chain yields plain hashes."""
    fill(store)
    drop_guards(store)
    with store.transaction() as session:
        entries, _, _ = repo.read_audit(session)
    previous = "0" * 64
    with store.engine.begin() as conn:
        for e in entries:
            content = {**e.content(), "prev_hash": previous,
                       "actor": "mallory" if e.seq == 2 else e.actor}
            new = entry_hash(content)          # no key: all the attacker can do
            conn.execute(text("UPDATE sharing_audit SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                         {"a": content["actor"], "p": previous, "h": new, "s": e.seq})
            previous = new
        conn.execute(text("UPDATE sharing_audit_head SET hash = :h"), {"h": previous})
    code, output = verify(store_url)
    assert code == 3 and "audit-unkeyed" in output


def test_a_rewrite_is_caught_by_the_anchor_even_with_the_key(store_url: str, store: Store, tmp_path: Path) -> None:
    """Even someone holding the key cannot rewrite the anchored past unnoticed."""
    from carepool.sharing.audit import next_entry

    fill(store)
    kept = anchor(store_url, tmp_path)
    drop_guards(store)
    with store.transaction() as session:
        entries, _, _ = repo.read_audit(session)
    rewritten = []
    for e in entries:
        rewritten.append(next_entry(rewritten[-1] if rewritten else None, at=e.at, actor="mallory",
                                    action=e.action, subject=e.subject, agreement_id=e.agreement_id,
                                    purpose=e.purpose, key=KEY.encode()))
    with store.engine.begin() as conn:
        for e in rewritten:
            conn.execute(text("UPDATE sharing_audit SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                         {"a": e.actor, "p": e.prev_hash, "h": e.hash, "s": e.seq})
        conn.execute(text("UPDATE sharing_audit_head SET hash = :h"), {"h": rewritten[-1].hash})
    assert verify(store_url)[0] == 0
    code, output = verify(store_url, "--anchor", str(kept))
    assert code == 3 and "audit-rewritten" in output


def test_without_a_key_the_log_is_written_and_verify_warns(store_url: str, store: Store,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREPOOL_AUDIT_KEY")
    fill(store, 2, key=None)
    code, output = verify(store_url)
    assert code == 0 and "not keyed" in output and "CAREPOOL_AUDIT_KEY" in " ".join(output.split())
    monkeypatch.setenv("CAREPOOL_AUDIT_KEY", KEY)     # once a key is set, plain hashes are errors
    code, output = verify(store_url)
    assert code == 3 and "audit-unkeyed" in output


def test_the_key_can_come_from_a_file_and_must_be_long(store_url: str, store: Store, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fill(store, 2)
    monkeypatch.delenv("CAREPOOL_AUDIT_KEY")
    (tmp_path / "audit.key").write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("CAREPOOL_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    code, output = verify(store_url)
    assert code == 0 and "intact: 2 entries" in output and "not keyed" not in output
    monkeypatch.setenv("CAREPOOL_AUDIT_KEY_FILE", "")
    monkeypatch.setenv("CAREPOOL_AUDIT_KEY", "short")
    code, output = verify(store_url)
    assert code == 7 and "too short" in output
