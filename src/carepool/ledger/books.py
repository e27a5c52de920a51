"""The books held in memory: an immutable journal of transactions plus closed periods.

``post`` validates a whole batch against the books and returns new books; it never
changes the ones it was given. A transaction whose key is already in the books with the
same content is skipped (a re-run), so posting is idempotent. The store keeps the same
rules for books on disk (it calls ``check_batch`` with a ``BookView`` it reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from carepool.errors import ConflictError, ValidationFailed
from carepool.findings import Finding, has_errors
from carepool.ledger.periods import ClosedPeriod, Period
from carepool.ledger.transactions import Transaction
from carepool.ledger.validate import CONFLICT_RULES, BookView, check_batch


@dataclass(frozen=True)
class Books:
    transactions: tuple[Transaction, ...] = ()
    closed: frozenset[ClosedPeriod] = frozenset()
    _index: dict[str, Transaction] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self._index and self.transactions:
            self._index.update({t.key: t for t in self.transactions})

    def get(self, key: str) -> Transaction | None:
        return self._index.get(key)

    def view(self) -> BookView:
        return BookView(
            digests={k: t.digest() for k, t in self._index.items()},
            originals=self._index,
            reversed_keys=frozenset(t.reverses for t in self.transactions if t.reverses is not None),
            closed=tuple(sorted(self.closed)),
        )

    def for_area(self, area: str) -> tuple[Transaction, ...]:
        return tuple(t for t in self.transactions if t.area == area)


@dataclass(frozen=True)
class PostResult:
    books: Books
    posted: tuple[Transaction, ...]
    skipped: tuple[Transaction, ...]   # already in the books with the same content


def raise_for(findings: Sequence[Finding], what: str) -> None:
    """Turn error findings into the error the edges translate (conflict or validation)."""
    if not has_errors(findings):
        return
    if all(f.rule in CONFLICT_RULES for f in findings):
        detail = "; ".join(f"{f.message} ({f.location})" for f in findings[:5])
        more = f" and {len(findings) - 5} more" if len(findings) > 5 else ""
        raise ConflictError(f"{what} refused: {detail}{more}")
    raise ValidationFailed(f"{what} refused: {len(findings)} problem(s); nothing was posted", findings)


def split_new(batch: Iterable[Transaction], digests: dict[str, str] | BookView) -> tuple[
        list[Transaction], list[Transaction]]:
    """Transactions not yet in the books, and those already there (same key and content)."""
    known = digests.digests if isinstance(digests, BookView) else digests
    new: list[Transaction] = []
    old: list[Transaction] = []
    seen: set[str] = set()
    for txn in batch:
        if txn.key in known or txn.key in seen:
            old.append(txn)
        else:
            new.append(txn)
            seen.add(txn.key)
    return new, old


def post(books: Books, batch: Sequence[Transaction], what: str = "posting") -> PostResult:
    """All of ``batch`` or nothing: validated together, re-runs skipped."""
    view = books.view()
    raise_for(check_batch(batch, view), what)
    new, old = split_new(batch, view)
    index = dict(books._index)
    index.update({t.key: t for t in new})
    updated = Books(books.transactions + tuple(new), books.closed, index)
    return PostResult(updated, tuple(new), tuple(old))


def close(books: Books, area: str, period: Period) -> Books:
    """Close ``period`` for ``area``; closing twice changes nothing."""
    return replace(books, closed=books.closed | {ClosedPeriod(area, period)}, _index=books._index)
