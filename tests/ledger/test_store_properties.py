"""Property: whatever batches are posted, refused or re-run, the stored running balances equal the
postings, every pool balances, and a refused batch leaves no trace (SQLite)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.errors import CarepoolError
from carepool.ledger import accounts as acc
from carepool.ledger import transaction, transfer
from carepool.store import ledger_repo as repo
from carepool.store.db import Store, open_store

AT = datetime(2015, 6, 1, tzinfo=UTC)
Entry = tuple[str, str, int, int, int, bool]
_run = itertools.count()

entry = st.tuples(st.sampled_from(["E08000018", "E06000001"]), st.sampled_from(["P1", "P2"]),
                  st.integers(-10**9, 10**9).filter(bool), st.integers(0, 364), st.integers(0, 5),
                  st.booleans())
batches = st.lists(st.lists(entry, min_size=1, max_size=8), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("props") / "props.db"
    store = open_store(f"sqlite:///{path}")
    yield store
    store.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches)
def test_stored_books_stay_balanced_and_exact(shared_store: Store, steps: list[list[Entry]]) -> None:
    run = next(_run)
    posted: dict[str, object] = {}
    for b, items in enumerate(steps):
        batch = []
        for i, (area, pool, pence, day, key_no, broken) in enumerate(items):
            postings = transfer(acc.FUND, acc.contribution("03L", "x"), pence)
            if broken:
                postings = [*postings, (acc.FUND, 1)]     # unbalanced: refuses the whole batch
            batch.append(transaction(f"prop{run}:{key_no if i % 2 else f'{b}-{i}'}", area, pool,
                                     date(2015, 4, 1) + timedelta(days=day), "adjustment", "p", postings))
        try:
            with shared_store.transaction() as session:
                repo.post_batch(session, batch, "prop", "me", AT)
            for txn in batch:
                posted.setdefault(txn.key, txn)
        except CarepoolError:
            pass   # refused whole: unbalanced, or a key re-used with new content
    with shared_store.transaction() as session:
        assert repo.balance_drift(session) == []
        assert repo.stored_trial_balance(session).unbalanced_pools() == []
        stored = {t.key: t for t in repo.transactions(session) if t.key.startswith(f"prop{run}:")}
    assert stored == posted
