"""The time a use case records: now, in UTC, to the whole second (what the stores keep)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
