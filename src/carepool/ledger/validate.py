"""Validators of transactions: one signature, every problem returned as a finding.

``check_batch`` runs them all over a batch against what is already in the books, so a
caller sees every problem at once and nothing is posted unless there are none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from carepool.findings import Finding, error
from carepool.ledger.accounts import name_problems
from carepool.ledger.periods import ClosedPeriod, closed_on
from carepool.ledger.transactions import Transaction

# rules that mean "clashes with the books" rather than "malformed"
CONFLICT_RULES = frozenset({"ledger.closed-period", "ledger.key-reused", "ledger.already-reversed"})


@dataclass(frozen=True)
class BookView:
    """What a validator may know about the books: existing digests, reversals, closed periods."""

    digests: Mapping[str, str] = field(default_factory=dict)       # key -> content digest
    originals: Mapping[str, Transaction] = field(default_factory=dict)  # key -> txn (for reversals)
    reversed_keys: frozenset[str] = frozenset()
    closed: tuple[ClosedPeriod, ...] = ()


Validator = Callable[[Transaction, BookView], list[Finding]]


def _where(txn: Transaction) -> dict[str, str]:
    return {"field": f"transaction {txn.key}"}


def check_shape(txn: Transaction, _view: BookView) -> list[Finding]:
    found: list[Finding] = []
    if not txn.key.strip():
        found.append(error("ledger.key-missing", "a transaction needs an idempotency key", **_where(txn)))
    if not txn.area.strip() or not txn.pool.strip():
        found.append(error("ledger.pool-missing", "a transaction needs an area and a pool", **_where(txn)))
    if len(txn.postings) < 2:
        found.append(error("ledger.too-few-postings", "a transaction needs at least two postings",
                           **_where(txn)))
    for p in txn.postings:
        if type(p.pence) is not int:
            found.append(error("ledger.not-pence", f"{p.account}: amount must be whole pence", **_where(txn)))
        for problem in name_problems(p.account):
            found.append(error("ledger.bad-account", problem, **_where(txn)))
    return found


def check_balanced(txn: Transaction, _view: BookView) -> list[Finding]:
    total = 0
    for p in txn.postings:   # one pass (the ledger's hot path); amounts that are not pence: check_shape
        if type(p.pence) is not int:
            return []
        total += p.pence
    if total != 0:
        return [error("ledger.unbalanced", f"postings sum to {total} pence, not zero", **_where(txn))]
    return []


def check_open_period(txn: Transaction, view: BookView) -> list[Finding]:
    period = closed_on(view.closed, txn.area, txn.on) if view.closed else None
    if period is None or (txn.key in view.digests and view.digests[txn.key] == txn.digest()):
        return []   # open, or a re-run of what is already posted (skipped, not re-posted)
    return [error("ledger.closed-period",
                  f"{txn.on.isoformat()} is in {period.label} ({period.kind}), closed for {txn.area}",
                  **_where(txn))]


def check_key(txn: Transaction, view: BookView) -> list[Finding]:
    known = view.digests.get(txn.key)
    if known is not None and known != txn.digest():
        return [error("ledger.key-reused",
                      "this key was posted before with different content; reverse it first",
                      **_where(txn))]
    return []


def check_reversal(txn: Transaction, view: BookView) -> list[Finding]:
    if txn.reverses is None:
        return []
    original = view.originals.get(txn.reverses)
    if original is None:
        return [error("ledger.reversal-unknown", f"reverses {txn.reverses}, which is not in the books",
                      **_where(txn))]
    found: list[Finding] = []
    if txn.reverses in view.reversed_keys and view.digests.get(txn.key) != txn.digest():
        found.append(error("ledger.already-reversed", f"{txn.reverses} has already been reversed",
                           **_where(txn)))
    expected = sorted((p.account, -p.pence) for p in original.postings)
    if (sorted((p.account, p.pence) for p in txn.postings) != expected
            or (txn.area, txn.pool) != (original.area, original.pool)):
        found.append(error("ledger.reversal-mismatch", "a reversal must negate every posting of the original",
                           **_where(txn)))
    return found


VALIDATORS: tuple[Validator, ...] = (check_shape, check_balanced, check_open_period, check_key, check_reversal)


def check_batch(batch: Iterable[Transaction], view: BookView) -> list[Finding]:
    """Every finding for a batch, including keys repeated inside it with different content."""
    found: list[Finding] = []
    seen: dict[str, Transaction] = {}
    reversing: set[str] = set()
    for txn in batch:
        for validator in VALIDATORS:
            problems = validator(txn, view)
            if problems:
                found.extend(problems)
        first = seen.setdefault(txn.key, txn)
        if first is not txn and first.digest() != txn.digest():
            found.append(error("ledger.key-reused", "the batch holds this key twice with different content",
                               **_where(txn)))
        if txn.reverses is not None:
            if txn.reverses in reversing:
                found.append(error("ledger.already-reversed", f"{txn.reverses} is reversed twice in the batch",
                                   **_where(txn)))
            reversing.add(txn.reverses)
    return found
