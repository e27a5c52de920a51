"""One page's repeated questions are asked of the store once; outside a page every call reads."""

from __future__ import annotations

from carepool.services.read_scope import once, read_scope


class Owner:
    """Stands for a store: answers are kept per owner."""


def _counting() -> tuple[list[int], object]:
    reads: list[int] = []

    def read() -> int:
        reads.append(len(reads) + 1)
        return len(reads)

    return reads, read


def test_outside_a_scope_every_call_reads() -> None:
    reads, read = _counting()
    owner = Owner()
    assert [once(owner, "q", read) for _ in range(3)] == [1, 2, 3]  # type: ignore[arg-type]
    assert reads == [1, 2, 3]


def test_inside_a_scope_a_question_is_read_once_per_owner() -> None:
    reads, read = _counting()
    first, second = Owner(), Owner()
    with read_scope():
        assert once(first, "q", read) == 1  # type: ignore[arg-type]
        assert once(first, "q", read) == 1  # type: ignore[arg-type]
        assert once(first, "other", read) == 2  # type: ignore[arg-type]
        assert once(second, "q", read) == 3  # type: ignore[arg-type]
    assert reads == [1, 2, 3]


def test_a_new_scope_asks_again() -> None:
    reads, read = _counting()
    owner = Owner()
    with read_scope():
        assert once(owner, "q", read) == 1  # type: ignore[arg-type]
    assert once(owner, "q", read) == 2  # type: ignore[arg-type]
    with read_scope():
        assert once(owner, "q", read) == 3  # type: ignore[arg-type]
    assert reads == [1, 2, 3]
