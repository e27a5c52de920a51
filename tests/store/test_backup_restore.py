"""Operating the store (issue 18): backup, restore into an empty database, check; on both stores.

Books with plans, ledger batches (and a reversal) and an audit trail are backed up, restored
into a new empty database of the same kind, and must come back identical: the same
transactions and trial balance, an audit trail that verifies, and ``db check`` sound.
``db check`` must also find what it is for: a running balance tampered with, a lost trigger.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger import transaction, transfer
from carepool.services import database
from carepool.services.sharing_audit import read_log
from carepool.store import ledger_repo as repo
from carepool.store.db import open_store
from carepool.store.pg_local import LocalPostgres
from carepool.store.plan_repo import add_version
from carepool.store.sharing_tables import append_audit
from tests.store.plan_builder import make_plan

AT = datetime(2015, 6, 1, tzinfo=UTC)


def _empty_like(url: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / name}"
    server: LocalPostgres = request.getfixturevalue("local_pg")
    return server.create_database()


def _books(url: str) -> None:
    store = open_store(url)
    batch = [transaction(f"k{i}", "E08000018", "P1", date(2015, 5, 1), "adjustment", f"payment {i}",
                         transfer(acc.FUND, acc.contribution("03L", "ccg-new-money"), 1000 + i)) for i in range(40)]
    with store.transaction() as s:
        add_version(s, make_plan(), "alice", AT)
        repo.post_batch(s, batch, "first", "alice", AT)
        for i in range(5):
            append_audit(s, at=AT, actor="alice", action="share.sent", subject=f"share {i}")
    with store.transaction() as s:
        original = batch[3]
        repo.post_batch(s, [transaction("k3:rev", original.area, original.pool, original.on, "reversal",
                                        "reverses k3", [(p.account, -p.pence) for p in original.postings],
                                        reverses="k3")], "fix", "alice", AT)
    store.dispose()


def _state(url: str) -> tuple[object, ...]:
    store = open_store(url)
    try:
        with store.transaction() as s:
            txns = repo.transactions(s)
            tb = repo.stored_trial_balance(s)
        log = read_log(store)
        return txns, tb.lines, [e.content() for e in log.entries], log.intact
    finally:
        store.dispose()


def test_backup_then_restore_into_an_empty_database_gives_identical_books(
        store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    _books(store_url)
    file = tmp_path / "carepool.backup"
    runner = CliRunner()
    made = runner.invoke(app, ["db", "backup", str(file), "--db", store_url], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    assert file.stat().st_size > 0
    target = _empty_like(store_url, tmp_path, request, "restored.db")
    back = runner.invoke(app, ["db", "restore", str(file), "--db", target], catch_exceptions=False)
    assert back.exit_code == 0, back.output
    before, after = _state(store_url), _state(target)
    assert len(before[0]) == 41 and len(before[2]) == 5 and before[3] is True   # type: ignore[arg-type]
    assert after == before
    checked = runner.invoke(app, ["db", "check", "--db", target], catch_exceptions=False)
    assert checked.exit_code == 0 and "store sound" in checked.output, checked.output
    again = runner.invoke(app, ["db", "restore", str(file), "--db", target], catch_exceptions=False)
    assert again.exit_code != 0 and "not empty" in again.output


def test_a_backup_of_one_kind_is_refused_by_the_other(tmp_path: Path, local_pg: LocalPostgres) -> None:
    lite = f"sqlite:///{tmp_path / 'a.db'}"
    _books(lite)
    file = tmp_path / "lite.backup"
    database.backup(lite, file)
    with pytest.raises(InputError, match="not a PostgreSQL dump"):
        database.restore(local_pg.create_database(), file)


def test_check_finds_a_tampered_running_balance_and_a_lost_trigger(store_url: str) -> None:
    _books(store_url)
    assert database.check(store_url).sound
    store = open_store(store_url)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE ledger_balances SET balance = balance + 1 WHERE account_id = "
                                "(SELECT MIN(account_id) FROM ledger_balances)"))
        if store.dialect == "postgresql":
            connection.execute(text("ALTER TABLE plan_events DISABLE TRIGGER plan_events_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER plan_events_no_delete"))
    store.dispose()
    result = database.check(store_url)
    assert not result.sound
    assert any("running balance" in p for p in result.problems), result.problems
    assert any("plan_events has lost its append-only triggers" in p for p in result.problems), result.problems
    out = CliRunner().invoke(app, ["db", "check", "--db", store_url], catch_exceptions=False)
    assert out.exit_code == 3 and "not sound" in out.output
