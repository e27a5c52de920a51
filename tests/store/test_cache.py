"""The store's versioned cache: a value is kept until the version moves, bounded, per store."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from carepool.store.cache import Caches, VersionedCache
from carepool.store.db import open_store


def test_a_value_is_kept_until_its_version_moves() -> None:
    cache = VersionedCache()
    calls: list[int] = []

    def compute(n: int) -> object:
        calls.append(n)
        return object()

    first = cache.get("k", 1, lambda: compute(1))
    assert cache.get("k", 1, lambda: compute(2)) is first and calls == [1]
    newer = cache.get("k", 2, lambda: compute(3))
    assert newer is not first and calls == [1, 3] and cache.computed == 2
    assert cache.peek("k", 2) is newer and cache.peek("k", 1) is None


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    cache = VersionedCache(max_entries=2)
    cache.get("a", 0, lambda: "A")
    cache.get("b", 0, lambda: "B")
    cache.get("a", 0, lambda: "A again")          # a is now the most recent
    cache.get("c", 0, lambda: "C")
    assert len(cache) == 2 and cache.peek("b", 0) is None and cache.peek("a", 0) == "A"
    with pytest.raises(ValueError):
        VersionedCache(max_entries=0)


def test_each_store_has_its_own_caches(tmp_path: Path) -> None:
    one, two = open_store(str(tmp_path / "one.db")), open_store(str(tmp_path / "two.db"))
    try:
        one.caches.named("x").get("k", 0, lambda: "one")
        assert two.caches.named("x").get("k", 0, lambda: "two") == "two"
        assert one.caches.named("x") is one.caches.named("x")
    finally:
        one.dispose()
        two.dispose()


def test_concurrent_readers_get_a_value_and_the_cache_stays_bounded() -> None:
    caches = Caches()
    cache = caches.named("shared", max_entries=8)
    seen: list[object] = []

    def read(i: int) -> None:
        for j in range(200):
            seen.append(cache.get((i + j) % 16, 0, lambda key=(i + j) % 16: key))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 800 and set(seen) == set(range(16)) and len(cache) <= 8
    caches.clear()
    assert len(cache) == 0
