"""The ledger repository on SQLite and PostgreSQL: batches, idempotency, append-only, balances."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from carepool.errors import CarepoolError, ConflictError, ValidationFailed
from carepool.ledger import accounts as acc
from carepool.ledger import balances, quarter, transaction, transfer
from carepool.store import ledger_repo as repo
from carepool.store.db import Store

AT = datetime(2015, 6, 1, tzinfo=UTC)


def txn(key: str, pence: int, on: date = date(2015, 5, 1), pool: str = "P1"):  # type: ignore[no-untyped-def]
    return transaction(key, "E08000018", pool, on, "adjustment", f"test {key}",
                       transfer(acc.FUND, acc.contribution("03L", "ccg-new-money"), pence))


def test_batch_is_stored_read_back_and_balanced(store: Store) -> None:
    batch = [txn(f"k{i}", 100 + i) for i in range(20)] + [txn("p2", 5, pool="P2")]
    with store.transaction() as s:
        result = repo.post_batch(s, batch, "test", "me", AT)
    assert (result.posted, result.skipped, result.postings) == (21, 0, 42)
    with store.transaction() as s:
        back = repo.transactions(s, area="E08000018")
        tb = repo.stored_trial_balance(s)
        assert repo.balance_drift(s) == []
    assert back == batch
    assert tb.unbalanced_pools() == []
    assert tb.totals(pool="P1") == (sum(100 + i for i in range(20)),) * 2
    assert {(line.pool, line.account): line.debit - line.credit for line in tb.lines} == {
        (p, a): v for (_, p, a), v in balances(batch).items()}


def test_rerun_posts_nothing_twice_and_changed_content_conflicts(store: Store) -> None:
    with store.transaction() as s:
        repo.post_batch(s, [txn("a", 1), txn("b", 2)], "first", "me", AT)
    with store.transaction() as s:
        again = repo.post_batch(s, [txn("a", 1), txn("b", 2), txn("c", 3)], "second", "me", AT)
    assert (again.posted, again.skipped) == (1, 2)
    with pytest.raises(ConflictError), store.transaction() as s:
        repo.post_batch(s, [txn("a", 99)], "third", "me", AT)
    with store.transaction() as s:
        assert len(repo.transactions(s)) == 3


def test_a_refused_batch_leaves_nothing_behind(store: Store) -> None:
    bad = transaction("bad", "E08000018", "P1", date(2015, 5, 1), "adjustment", "x", [(acc.FUND, 5)])
    with pytest.raises(ValidationFailed), store.transaction() as s:
        repo.post_batch(s, [txn("ok", 1), bad], "mixed", "me", AT)
    with store.transaction() as s:
        assert repo.transactions(s) == []
        assert repo.stored_trial_balance(s).lines == ()


def test_closed_periods_refuse_postings(store: Store) -> None:
    with store.transaction() as s:
        assert repo.close_period(s, "E08000018", quarter("2015Q1"), "me", AT)
        assert not repo.close_period(s, "E08000018", quarter("2015Q1"), "me", AT)
    with pytest.raises(ConflictError, match="closed"), store.transaction() as s:
        repo.post_batch(s, [txn("late", 1, on=date(2015, 6, 30))], "late", "me", AT)


@pytest.mark.parametrize("statement", ["UPDATE ledger_postings SET amount = amount + 1",
                                       "DELETE FROM ledger_postings",
                                       "UPDATE ledger_transactions SET narration = 'changed'",
                                       "DELETE FROM ledger_transactions"])
def test_entries_are_append_only(store: Store, statement: str) -> None:
    with store.transaction() as s:
        repo.post_batch(s, [txn("a", 1)], "first", "me", AT)
    with pytest.raises(CarepoolError), store.transaction() as s:
        s.execute(text(statement))
    with store.transaction() as s:
        assert repo.transactions(s) == [txn("a", 1)]
