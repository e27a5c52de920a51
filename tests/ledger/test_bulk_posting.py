"""The bulk write path of the ledger (issue 18): what a batch leaves when it fails, the order of
postings, and transaction ids assigned by the writer under concurrency, on both stores."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import text

from carepool.errors import ConflictError, ValidationFailed
from carepool.ledger import accounts as acc
from carepool.ledger import transaction, transfer
from carepool.ledger.transactions import Posting, Transaction
from carepool.store import ledger_repo as repo
from carepool.store import maintenance
from carepool.store.db import Store

AT = datetime(2015, 6, 1, tzinfo=UTC)
LEDGER_TABLES = ("ledger_batches", "ledger_transactions", "ledger_postings", "ledger_balances", "ledger_accounts")


def txn(key: str, pence: int, scheme: str = "S01") -> Transaction:
    return transaction(key, "E08000018", "P1", date(2015, 5, 1), "spend", f"test {key}",
                       transfer(acc.scheme_spend(scheme), acc.FUND, pence))


def _counts(store: Store) -> dict[str, int]:
    with store.transaction() as s:
        return {table: int(s.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()) for table in LEDGER_TABLES}


def test_a_large_batch_refused_at_its_last_transaction_leaves_no_row_anywhere(store: Store) -> None:
    """On PostgreSQL the rows stream to the server while the batch is checked, so most of this
    batch is in the database when the last transaction fails its check: all of it must go."""
    good = [txn(f"ok{i}", 100 + i, scheme=f"S{i % 15 + 1:02d}") for i in range(5000)]
    bad = transaction("bad", "E08000018", "P1", date(2015, 5, 1), "adjustment", "x", [(acc.FUND, 5)])
    try:
        with store.transaction() as s:
            repo.post_batch(s, [*good, bad], "mixed", "me", AT)
    except ValidationFailed as refused:
        assert [f.rule for f in refused.findings] == ["ledger.too-few-postings", "ledger.unbalanced"]
    else:
        raise AssertionError("the batch was posted")
    assert _counts(store) == dict.fromkeys(LEDGER_TABLES, 0)
    with store.transaction() as s:   # and the same good transactions post afterwards, from id 1
        assert repo.post_batch(s, good, "again", "me", AT).posted == 5000
        assert s.execute(text("SELECT MIN(id), MAX(id) FROM ledger_transactions")).one() == (1, 5000)
        assert repo.balance_drift(s) == []


def test_postings_keep_the_order_they_were_given_in(store: Store) -> None:
    postings = (Posting(acc.scheme_spend("S02"), 7), Posting(acc.FUND, -10), Posting(acc.scheme_spend("S01"), 3))
    given = Transaction("ordered", "E08000018", "P1", date(2015, 5, 1), "spend", "n", postings)
    with store.transaction() as s:
        repo.post_batch(s, [txn("first", 1), given], "order", "me", AT)
    with store.transaction() as s:
        assert repo.transactions(s, keys=["ordered"]) == [given]
        lines = s.execute(text("SELECT p.line, p.amount FROM ledger_postings p JOIN ledger_transactions t "
                               "ON t.id = p.transaction_id WHERE t.key = 'ordered' ORDER BY p.line")).all()
    assert [tuple(r) for r in lines] == [(0, 7), (1, -10), (2, 3)]


WRITERS, BATCHES, SIZE = 2, 6, 150


def test_two_writers_at_once_never_share_a_transaction_id(store: Store) -> None:
    """Ids are assigned by the writer (no sequence): concurrent batches must still get distinct,
    contiguous ids, each posting under its own transaction. A writer that meets a lock on SQLite
    is told to try again (ConflictError), and does."""
    start = threading.Barrier(WRITERS)
    retries: list[int] = []
    failures: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait()
            for b in range(BATCHES):
                batch = [txn(f"w{w}-b{b}-{i}", 1 + w * 1_000_000 + b * 1000 + i) for i in range(SIZE)]
                while True:
                    try:
                        with store.transaction() as s:
                            assert repo.post_batch(s, batch, f"w{w}", "me", AT).posted == SIZE
                        break
                    except ConflictError:
                        retries.append(w)
        except BaseException as exc:   # handed to the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    total = WRITERS * BATCHES * SIZE
    with store.transaction() as s:
        ids = [int(i) for i in s.execute(text("SELECT id FROM ledger_transactions ORDER BY id")).scalars()]
        mismatched = s.execute(text(   # a posting's amount encodes its own transaction's key
            "SELECT COUNT(*) FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id "
            "WHERE p.line = 0 AND t.key <> 'w' || ((p.amount - 1) / 1000000) || '-b' || "
            "(((p.amount - 1) % 1000000) / 1000) || '-' || ((p.amount - 1) % 1000)")).scalar_one()
        assert repo.balance_drift(s) == []
    assert ids == list(range(1, total + 1))
    assert mismatched == 0
    assert _counts(store)["ledger_postings"] == 2 * total
    assert maintenance.check(store).problems == ()
