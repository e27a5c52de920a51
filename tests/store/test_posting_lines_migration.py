"""Migration 0018_posting_lines rebuilds ``ledger_postings`` keyed by (transaction, line): postings
already in a database keep their transaction, account, amount and order, the table stays
append-only, and the books still recount; downgrading gives posting ids back in the same order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text

from carepool.errors import CarepoolError
from carepool.store import ledger_repo as repo
from carepool.store import maintenance
from carepool.store.db import migrations_dir, normalise_url, open_store

REVISION = "0018_posting_lines"
# (posting id, transaction id, account id, amount): ids out of transaction order on purpose
OLD_POSTINGS = [(1, 2, 1, 700), (2, 1, 2, -300), (3, 1, 1, 300), (4, 2, 2, -500), (5, 2, 3, -200)]


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


BEFORE = str(ScriptDirectory.from_config(_config()).get_revision(REVISION).down_revision)


def _migrate(engine: Engine, target: str, down: bool = False) -> None:
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


@pytest.fixture
def old_books(store_url: str) -> Iterator[Engine]:
    """A database at the revision before the posting-lines migration holding a few postings in the old layout."""
    engine = create_engine(normalise_url(store_url))
    _migrate(engine, BEFORE)
    with engine.begin() as c:
        c.execute(text("INSERT INTO ledger_batches (id, source, actor, at, transactions) "
                       "VALUES (1, 's', 'a', '2015-06-01 00:00:00+00:00', 2)"))
        for i, name in enumerate(("Assets:Pool:Fund", "Expenses:Scheme:S01", "Liabilities:Provider:P"), 1):
            c.execute(text("INSERT INTO ledger_accounts (id, area, pool, name) VALUES (:i, 'E08000018', 'P1', :n)"),
                      {"i": i, "n": name})
        for tid in (1, 2):
            c.execute(text("INSERT INTO ledger_transactions (id, key, area, pool, on_date, kind, narration, digest, "
                           "batch_id) VALUES (:i, :k, 'E08000018', 'P1', '2015-05-01', 'adjustment', 'n', :d, 1)"),
                      {"i": tid, "k": f"k{tid}", "d": "0" * 64})
        for pid, tid, aid, amount in OLD_POSTINGS:
            c.execute(text("INSERT INTO ledger_postings (id, transaction_id, account_id, amount) "
                           "VALUES (:p, :t, :a, :m)"), {"p": pid, "t": tid, "a": aid, "m": amount})
        c.execute(text("INSERT INTO ledger_balances (account_id, balance, postings) "
                       "VALUES (1, 1000, 2), (2, -800, 2), (3, -200, 1)"))
    yield engine
    engine.dispose()


def test_upgrade_keeps_every_posting_in_its_order_and_the_table_append_only(store_url: str,
                                                                               old_books: Engine) -> None:
    store = open_store(store_url)   # migrates to head
    try:
        with store.transaction() as s:
            rows = [tuple(r) for r in s.execute(text(
                "SELECT transaction_id, line, account_id, amount FROM ledger_postings "
                "ORDER BY transaction_id, line"))]
            read = {x.key: [p.pence for p in x.postings] for x in repo.transactions(s)}
            assert repo.balance_drift(s) == []
        assert rows == [(1, 0, 2, -300), (1, 1, 1, 300), (2, 0, 1, 700), (2, 1, 2, -500), (2, 2, 3, -200)]
        assert read == {"k1": [-300, 300], "k2": [700, -500, -200]}
        for statement in ("UPDATE ledger_postings SET amount = 0", "DELETE FROM ledger_postings"):
            with pytest.raises(CarepoolError), store.transaction() as s:
                s.execute(text(statement))
        assert maintenance.check(store).problems == ()
    finally:
        store.dispose()


def test_downgrade_gives_ids_back_in_the_same_order(store_url: str, old_books: Engine) -> None:
    _migrate(old_books, "heads")
    _migrate(old_books, BEFORE, down=True)
    with old_books.begin() as c:
        rows = [tuple(r) for r in c.execute(text(
            "SELECT id, transaction_id, account_id, amount FROM ledger_postings ORDER BY id"))]
        c.execute(text("INSERT INTO ledger_postings (transaction_id, account_id, amount) VALUES (1, 1, 0)"))
        new_id = c.execute(text("SELECT MAX(id) FROM ledger_postings")).scalar_one()
    assert rows == [(1, 1, 2, -300), (2, 1, 1, 300), (3, 2, 1, 700), (4, 2, 2, -500), (5, 2, 3, -200)]
    assert new_id == 6   # the id default carries on after the copied rows
