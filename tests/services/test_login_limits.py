"""Failed log-ins per client address, counted in the store (issue 18; issue 16 item 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from carepool.services import login_limits
from carepool.store.db import Store

T0 = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_window_slides_and_old_failures_are_pruned(store: Store) -> None:
    login_limits.record_failure(store, "198.51.100.7", window=60, now=_at(0))
    login_limits.record_failure(store, "198.51.100.7", window=60, now=_at(30))
    assert login_limits.retry_after(store, "198.51.100.7", limit=2, window=60, now=_at(30)) == 30
    assert login_limits.retry_after(store, "198.51.100.7", limit=3, window=60, now=_at(30)) is None
    assert login_limits.retry_after(store, "203.0.113.1", limit=2, window=60, now=_at(30)) is None
    assert login_limits.retry_after(store, "198.51.100.7", limit=2, window=60, now=_at(60)) is None, \
        "the first failure has left the window"
    login_limits.record_failure(store, "203.0.113.1", window=60, now=_at(200))
    with store.transaction() as session:
        kept = session.execute(text("SELECT address FROM web_login_failures")).scalars().all()
    assert kept == ["203.0.113.1"], "failures older than the window are removed"


def test_a_long_address_is_kept_whole_enough_to_tell_apart(store: Store) -> None:
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    login_limits.record_failure(store, long_a, window=60, now=_at(0))
    assert login_limits.retry_after(store, long_a, limit=1, window=60, now=_at(1)) == 59
    assert login_limits.retry_after(store, long_b, limit=1, window=60, now=_at(1)) is None
