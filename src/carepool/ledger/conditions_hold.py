"""Money held while an assurance condition is open, as ledger transactions (issue 12, defect 2).

The year's programme file names the money (``conditions_hold``); the amount is worked out by the
caller (``services.conditions``). A hold moves it from the pool fund to ``Assets:Conditions:Held``
and a release moves it back, so the pool's books stay whole and balanced and a statement shows
what is held. Holds and releases are numbered (a condition set after a release holds again), and
their keys make every re-run post nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Kind, Transaction, transaction, transfer

HOLD = "condhold"
RELEASE = "condrelease"


def hold_key(year: str, area: str, pool: str, n: int) -> str:
    return f"{HOLD}:{year}:{area}:{pool}:{n}"


def release_key(year: str, area: str, pool: str, n: int) -> str:
    return f"{RELEASE}:{year}:{area}:{pool}:{n}"


def hold_state(txns: Sequence[Transaction], year: str, area: str, pool: str) -> tuple[int, int]:
    """(holds posted, releases posted) for one pool: a hold is in force when holds > releases."""
    holds = sum(1 for t in txns if t.key.startswith(f"{HOLD}:{year}:{area}:{pool}:") and not t.reverses)
    releases = sum(1 for t in txns if t.key.startswith(f"{RELEASE}:{year}:{area}:{pool}:") and not t.reverses)
    return holds, releases


def held_amount(txns: Sequence[Transaction], area: str, pool: str) -> int:
    """Pence in the held account of one pool now."""
    return sum(p.pence for t in txns if t.area == area and t.pool == pool
               for p in t.postings if p.account == acc.HELD_FOR_CONDITIONS)


def hold(year: str, area: str, pool: str, n: int, pence: int, on: date, why: str) -> Transaction:
    return transaction(hold_key(year, area, pool, n), area, pool, on, Kind.CONDITION_HOLD.value,
                       f"Held while assurance conditions are open: {why}",
                       transfer(acc.HELD_FOR_CONDITIONS, acc.FUND, pence))


def release(year: str, area: str, pool: str, n: int, pence: int, on: date, why: str) -> Transaction:
    return transaction(release_key(year, area, pool, n), area, pool, on, Kind.CONDITION_HOLD.value,
                       f"Released: {why}", transfer(acc.FUND, acc.HELD_FOR_CONDITIONS, pence))
