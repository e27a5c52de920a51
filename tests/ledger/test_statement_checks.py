"""The ledger's integrity after bulk writes moved to COPY and per-statement checks (issue 18).

On PostgreSQL the ledger's foreign keys are statement-level triggers (migration 0008): these
tests prove they refuse exactly what a foreign key would, in a bulk COPY as in a single insert,
and that accounts and batches (the rows they refer to) can no longer be changed or removed,
and that TRUNCATE is refused on every append-only table. SQLite keeps its foreign keys.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from carepool.errors import CarepoolError
from carepool.ledger import accounts as acc
from carepool.ledger import transaction, transfer
from carepool.store import ledger_repo as repo
from carepool.store import ledger_tables as t
from carepool.store.append_only import APPEND_ONLY_TABLES
from carepool.store.bulk import insert_rows
from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres

AT = datetime(2015, 6, 1, tzinfo=UTC)


def _posted(store: Store, n: int = 3) -> tuple[int, int]:
    """Post ``n`` transactions; returns (a transaction id, an account id) that exist."""
    batch = [transaction(f"k{i}", "E08000018", "P1", date(2015, 5, 1), "adjustment", "t",
                         transfer(acc.FUND, acc.contribution("03L", "ccg-new-money"), 100 + i)) for i in range(n)]
    with store.transaction() as s:
        repo.post_batch(s, batch, "test", "me", AT)
        tid = s.execute(text("SELECT MIN(id) FROM ledger_transactions")).scalar_one()
        aid = s.execute(text("SELECT MIN(id) FROM ledger_accounts")).scalar_one()
    return int(tid), int(aid)


@pytest.mark.parametrize("bad", ["transaction", "account"])
def test_a_bulk_insert_naming_a_missing_row_is_refused_whole(store: Store, bad: str) -> None:
    tid, aid = _posted(store)
    good = [(tid, 10 + line, aid, 1 - 2 * (line % 2)) for line in range(1000)]
    wrong = (tid + 999, 0, aid, 0) if bad == "transaction" else (tid, 5000, aid + 999, 0)
    with pytest.raises(CarepoolError), store.transaction() as s:
        insert_rows(s, t.postings, t.POSTING_COLUMNS, [*good, wrong])
    with store.transaction() as s:
        assert s.execute(text("SELECT COUNT(*) FROM ledger_postings")).scalar_one() == 6
        assert repo.balance_drift(s) == []


def test_a_transaction_naming_a_missing_batch_is_refused(store: Store) -> None:
    _posted(store)
    row = (9999, "orphan", "E08000018", "P1", date(2015, 5, 1), "adjustment", "x", None, "0" * 64, 777)
    with pytest.raises(CarepoolError), store.transaction() as s:
        insert_rows(s, t.transactions, ("id", "key", "area", "pool", "on_date", "kind", "narration", "reverses",
                                        "digest", "batch_id"), [row])
    with store.transaction() as s:
        assert s.execute(text("SELECT COUNT(*) FROM ledger_transactions")).scalar_one() == 3


TRANSACTION_ROW = ("key", "area", "pool", "on_date", "kind", "narration", "reverses", "digest", "batch_id")


def _far_transaction(store: Store, tid: int) -> int:
    """A transaction with id ``tid``, leaving a gap of ids below it; returns its id."""
    with store.transaction() as s:
        batch = s.execute(text("SELECT MIN(id) FROM ledger_batches")).scalar_one()
        insert_rows(s, t.transactions, ("id", *TRANSACTION_ROW),
                    [(tid, f"far{tid}", "E08000018", "P1", date(2015, 5, 1), "adjustment", "x", None, "0" * 64, batch)])
    return tid


def test_references_across_a_gap_of_ids_are_checked_one_by_one(store: Store) -> None:
    """The posting-lines migration's quick check (every id between the smallest and largest exists) fails
    across a gap; the full check must then accept rows that all exist and refuse a missing one."""
    tid, aid = _posted(store)
    far = _far_transaction(store, tid + 50)
    with store.transaction() as s:   # tid and far both exist; the ids between them do not
        insert_rows(s, t.postings, t.POSTING_COLUMNS, [(tid, 7, aid, 5), (far, 0, aid, -5)])
    with pytest.raises(CarepoolError), store.transaction() as s:   # tid + 20 is in the gap
        insert_rows(s, t.postings, t.POSTING_COLUMNS, [(tid, 8, aid, 5), (tid + 20, 0, aid, -5)])
    with store.transaction() as s:
        assert s.execute(text("SELECT COUNT(*) FROM ledger_postings")).scalar_one() == 8
        assert s.execute(text("SELECT COUNT(*) FROM ledger_postings WHERE transaction_id = :t"),
                         {"t": tid + 20}).scalar_one() == 0


def test_a_missing_account_in_a_contiguous_range_is_refused(store: Store) -> None:
    tid, aid = _posted(store)   # accounts aid and aid + 1 exist
    with pytest.raises(CarepoolError), store.transaction() as s:
        insert_rows(s, t.postings, t.POSTING_COLUMNS, [(tid, 9, aid, 5), (tid, 10, aid + 2, -5)])
    with store.transaction() as s:
        assert s.execute(text("SELECT COUNT(*) FROM ledger_postings")).scalar_one() == 6


@pytest.mark.parametrize("statement", [
    "DELETE FROM ledger_accounts", "UPDATE ledger_accounts SET id = id + 1000",
    "DELETE FROM ledger_batches", "UPDATE ledger_batches SET id = id + 1000",
    "DELETE FROM ledger_postings", "UPDATE ledger_transactions SET narration = 'x'",
])
def test_rows_the_ledger_refers_to_cannot_change_or_go(store: Store, statement: str) -> None:
    _posted(store)
    with pytest.raises(CarepoolError), store.transaction() as s:
        s.execute(text(statement))
    with store.transaction() as s:
        assert repo.balance_drift(s) == []
        assert len(repo.transactions(s)) == 3


@pytest.mark.postgres
def test_postgres_refuses_truncate_of_every_append_only_table(local_pg: LocalPostgres) -> None:
    """(SQLite has no TRUNCATE statement.)"""
    store = open_store(local_pg.create_database())
    _posted(store)
    refused = []
    for table in APPEND_ONLY_TABLES:
        with pytest.raises(CarepoolError) as caught, store.transaction() as s:
            s.execute(text(f"TRUNCATE {table} CASCADE"))
        assert "append-only" in str(caught.value.__cause__), table   # the database's own refusal
        refused.append(table)
    assert refused == list(APPEND_ONLY_TABLES)
    with store.transaction() as s:
        assert len(repo.transactions(s)) == 3
    store.dispose()
