"""The per-address log-in limit, counted in the store so it holds across web workers and restarts.

``retry_after`` says whether an address has used up its failed log-ins in the sliding window
(and when the oldest will leave it); ``record_failure`` counts one more and forgets failures
older than the window, so the table holds at most the window's failures. Behind a reverse proxy
the address is the client's as the proxy reports it (``CAREPOOL_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from carepool.store import login_failures
from carepool.store.db import Store


def retry_after(store: Store, address: str, *, limit: int, window: float,
                now: datetime | None = None) -> int | None:
    """Seconds until ``address`` may try again, or None if it has failures left in the window."""
    now = now or datetime.now(UTC)
    with store.transaction() as session:
        count, oldest = login_failures.recent(session, address, now - timedelta(seconds=window))
    if count < limit or oldest is None:
        return None
    return max(1, math.ceil((oldest + timedelta(seconds=window) - now).total_seconds()))


def record_failure(store: Store, address: str, *, window: float, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    with store.transaction() as session:
        login_failures.record(session, address, now, forget_before=now - timedelta(seconds=window))
