"""One cache of derived views, kept on the store and checked against the store's version.

Pages and services compute views (the dashboard's rows, an area's page, a scorecard) from many
store reads. Each view is kept with the version of the store it was computed at (for example
the highest plan-event and ledger-transaction ids) and recomputed when the version has moved,
so a cached view is never older than the data. The caches live on the ``Store`` object, not in
module state: two stores never share entries, and a test that opens a fresh store starts empty.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class VersionedCache:
    """Values by key, each with the version it was computed at; at most ``max_entries`` kept (LRU)."""

    def __init__(self, max_entries: int = 1024) -> None:
        if max_entries < 1:
            raise ValueError("a cache needs room for at least one entry")
        self.max_entries = max_entries
        self.computed = 0                      # how many times a value was computed (tests, benchmarks)
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key`` at ``version``: kept, or computed now and kept.

        One computation per key at a time: a second caller for the same key waits for the first
        and takes its value if it is at the version asked for (a burst of requests after a change
        computes once). Other keys are computed meanwhile (the cache's own lock is not held).
        """
        hit = self._current(key, version)
        if hit is not None:
            return cast(T, hit[0])
        with self._computing(key):
            hit = self._current(key, version)
            if hit is not None:
                return cast(T, hit[0])
            value = compute()
            self.put(key, version, value)
            return value

    def _current(self, key: Hashable, version: Hashable) -> tuple[Any] | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == version:
                self._entries.move_to_end(key)
                return (hit[1],)
        return None

    def _computing(self, key: Hashable) -> threading.Lock:
        with self._lock:
            lock = self._key_locks.get(key)
            if lock is None:
                if len(self._key_locks) > 4 * self.max_entries:
                    self._key_locks = {k: v for k, v in self._key_locks.items() if v.locked()}
                lock = self._key_locks[key] = threading.Lock()
            return lock

    def last(self, key: Hashable) -> tuple[Hashable, object] | None:
        """The kept (version, value) of ``key`` whatever its version: what an update can start from."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, version: Hashable, value: object) -> None:
        with self._lock:
            self.computed += 1
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def peek(self, key: Hashable, version: Hashable) -> object | None:
        """The kept value if it is current, without computing anything."""
        with self._lock:
            hit = self._entries.get(key)
        return hit[1] if hit is not None and hit[0] == version else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class Caches:
    """The named caches of one store (``store.caches.named("dashboard.rows")``)."""

    def __init__(self) -> None:
        self._by_name: dict[str, VersionedCache] = {}
        self._lock = threading.Lock()

    def named(self, name: str, max_entries: int = 1024) -> VersionedCache:
        with self._lock:
            cache = self._by_name.get(name)
            if cache is None:
                cache = self._by_name[name] = VersionedCache(max_entries)
            return cache

    def clear(self) -> None:
        with self._lock:
            for cache in self._by_name.values():
                cache.clear()
