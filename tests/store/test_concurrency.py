"""Two writers at once: each new version either lands whole or is refused as a conflict."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from carepool.errors import CarepoolError, ConflictError
from carepool.plans.lifecycle import Status
from carepool.store import plan_repo as plans
from carepool.store.db import Store
from tests.store.plan_builder import AREA, T0, YEAR, make_plan

WRITERS = 4


def test_concurrent_new_versions_never_corrupt_the_history(store: Store) -> None:
    with store.transaction() as session:
        plans.add_version(session, make_plan(), "first", T0)
    start = threading.Barrier(WRITERS)
    outcomes: list[str] = []

    def write(n: int) -> None:
        start.wait()
        try:
            with store.transaction() as session:
                plans.add_version(session, make_plan(narrative=f"writer {n}"), f"w{n}",
                                  T0 + timedelta(minutes=n))
            outcomes.append("stored")
        except ConflictError:
            outcomes.append("conflict")
        except CarepoolError as exc:   # anything else is a wrong translation: make the test say so
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(set(outcomes)) <= ["conflict", "stored"], outcomes
    assert len(outcomes) == WRITERS and "stored" in outcomes
    with store.transaction() as session:
        stored = plans.versions(session, AREA, YEAR)
        histories = [plans.events(session, r.id) for r in stored]
    assert [r.version for r in stored] == list(range(1, 2 + outcomes.count("stored")))
    assert [r.status for r in stored] == [Status.SUPERSEDED] * (len(stored) - 1) + [Status.DRAFT]
    for record, history in zip(stored, histories, strict=True):
        assert history[0].action == "created"
        assert [e.action for e in history[1:]] == (["superseded"] if record.status is Status.SUPERSEDED else [])


def test_a_writer_held_up_by_a_lock_gets_a_conflict_not_a_configuration_error(store: Store) -> None:
    """Lock contention is a retryable clash (ConflictError), on both backends."""
    with store.transaction() as session:
        record = plans.add_version(session, make_plan(), "first", T0)
    if store.dialect == "sqlite":
        blocker_sql, waiter_setup = "BEGIN IMMEDIATE", "PRAGMA busy_timeout = 0"
    else:
        blocker_sql, waiter_setup = "SELECT 1", "SET lock_timeout = '50ms'"
    blocker = store.engine.raw_connection()
    try:
        cursor = blocker.cursor()
        cursor.execute(blocker_sql)
        if store.dialect != "sqlite":
            cursor.execute("SELECT id FROM plans WHERE id = %s FOR UPDATE", (record.id,))
        with pytest.raises(ConflictError, match="another change"), store.transaction() as session:
            session.execute(text(waiter_setup))
            plans.add_version(session, make_plan(narrative="blocked"), "second", T0)
    finally:
        blocker.rollback()
        blocker.close()
    with store.transaction() as session:
        assert [r.version for r in plans.versions(session, AREA, YEAR)] == [1]
