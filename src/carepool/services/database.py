"""Operating the store as a use case: upgrade its schema, back it up, restore it, check it.

The CLI's ``carepool db`` commands call these; the work is done by ``store.maintenance`` and
``store.db`` (Alembic). ``restore`` checks the restored store before it reports success, so
a backup that does not come back whole is reported as such.
"""

from __future__ import annotations

from pathlib import Path

from carepool.errors import ConfigurationError
from carepool.store import maintenance
from carepool.store.db import open_store
from carepool.store.maintenance import CheckResult

__all__ = ["CheckResult", "backup", "check", "restore", "upgrade"]


def upgrade(url: str) -> tuple[str, ...]:
    """Create or migrate the schema to head; returns the heads it is at."""
    store = open_store(url)
    try:
        return maintenance.check(store).heads
    finally:
        store.dispose()


def backup(url: str, file: Path) -> int:
    """Back up the store at ``url`` to the new ``file``; returns the backup's size in bytes."""
    return maintenance.backup(url, file)


def restore(url: str, file: Path) -> CheckResult:
    """Restore ``file`` into the empty database ``url``, upgrade it to head and check it."""
    maintenance.restore(url, file)
    store = open_store(url)
    try:
        result = maintenance.check(store)
    finally:
        store.dispose()
    if not result.sound:
        raise ConfigurationError(f"restored, but the store is not sound: {'; '.join(result.problems)}")
    return result


def check(url: str) -> CheckResult:
    """What is wrong with the store at ``url`` (schema, append-only triggers, balances); never changes it."""
    store = open_store(url, migrate=False)
    try:
        return maintenance.check(store)
    finally:
        store.dispose()
