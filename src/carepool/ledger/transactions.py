"""Transactions: balanced sets of postings in whole pence, identified by an idempotency key.

A transaction belongs to one pool (area + pool id). Its key names what it records
('contrib:bcf-2015-16:E08000018:P1:...'), so posting the same thing twice is recognised
and skipped; the same key with different content is a conflict. Corrections are reversals:
a new transaction that negates every posting of the original.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from carepool.errors import InputError


class Kind(StrEnum):
    CONTRIBUTION = "contribution"
    BUDGET = "budget"
    SPEND = "spend"
    PERFORMANCE = "performance"
    SETTLEMENT = "settlement"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"
    OPENING = "opening"          # balances brought forward from the previous year
    CONDITION_HOLD = "condition_hold"   # money held, or released, while an assurance condition is open


def as_kind(value: Kind | str, key: str = "?") -> Kind:
    """The ``Kind`` named by ``value``; an unknown kind is an input error naming the transaction."""
    if isinstance(value, Kind):
        return value
    try:
        return Kind(value)
    except ValueError:
        raise InputError(f"unknown transaction kind '{value}' (one of {', '.join(Kind)})",
                         where=f"transaction {key}") from None


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    pence: int   # debit positive, credit negative


@dataclass(frozen=True, slots=True)
class Transaction:
    key: str
    area: str
    pool: str
    on: date
    kind: Kind                   # a ``Kind``; a plain string of a known kind is accepted and converted
    narration: str
    postings: tuple[Posting, ...]
    reverses: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, Kind):   # read back from a store, or built from text
            object.__setattr__(self, "kind", as_kind(self.kind, self.key))

    @property
    def imbalance(self) -> int:
        return sum(p.pence for p in self.postings)

    def digest(self) -> str:
        """Checksum of the content, to tell a re-run (same) from a clash (different)."""
        return content_digest(self)


def content_digest(txn: Transaction) -> str:
    """SHA-256 of a canonical form: each text length-prefixed, so no two contents share one.

    Digests are stored beside posted transactions, so the canonical form must never change; it
    is built in one f-string (the ledger's hot path) and a test pins known digests.
    """
    key, area, pool, on, kind, narration = txn.key, txn.area, txn.pool, _iso(txn.on), str(txn.kind), txn.narration
    rev = "-" if txn.reverses is None else "+" + txn.reverses
    canonical = (f"{len(key)}:{key}{len(area)}:{area}{len(pool)}:{pool}{len(on)}:{on}{len(kind)}:{kind}"
                 f"{len(narration)}:{narration}{len(rev)}:{rev}")
    for p in txn.postings:
        field = f"{p.account}={p.pence}"
        canonical += f"{len(field)}:{field}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_iso = lru_cache(maxsize=8192)(date.isoformat)   # dates repeat across a batch


def transaction(
    key: str, area: str, pool: str, on: date, kind: Kind | str, narration: str,
    postings: list[tuple[str, int]], reverses: str | None = None,
) -> Transaction:
    """Build a transaction, merging postings to the same account and dropping zeros."""
    merged: dict[str, int] = {}
    for account, pence in postings:
        merged[account] = merged.get(account, 0) + pence
    kept = tuple(Posting(a, p) for a, p in merged.items() if p != 0)
    return Transaction(key, area, pool, on, as_kind(kind, key), narration, kept, reverses)


def transfer(debit: str, credit: str, pence: int) -> list[tuple[str, int]]:
    """Two postings moving ``pence`` from ``credit`` to ``debit``."""
    return [(debit, pence), (credit, -pence)]


def reversal(original: Transaction, key: str, on: date, reason: str) -> Transaction:
    """The correction of ``original``: every posting negated, dated ``on`` (an open period)."""
    return Transaction(
        key=key, area=original.area, pool=original.pool, on=on, kind=Kind.REVERSAL,
        narration=f"Reversal of {original.key}: {reason}",
        postings=tuple(Posting(p.account, -p.pence) for p in original.postings),
        reverses=original.key,
    )
