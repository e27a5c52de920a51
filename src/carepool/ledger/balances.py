"""Account balances and the trial balance, computed from transactions or given balances.

A pool's trial balance lists every account's debit or credit balance; debits equal
credits in every pool because every transaction balances within its pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from carepool.ledger.transactions import Transaction

AccountKey = tuple[str, str, str]   # area, pool, account


def balances(transactions: Iterable[Transaction], *, until: date | None = None) -> dict[AccountKey, int]:
    """Balance of every account touched (debit positive), optionally up to a date."""
    out: dict[AccountKey, int] = {}
    for txn in transactions:
        if until is not None and txn.on > until:
            continue
        for p in txn.postings:
            key = (txn.area, txn.pool, p.account)
            out[key] = out.get(key, 0) + p.pence
    return out


@dataclass(frozen=True, slots=True)
class TrialBalanceLine:
    area: str
    pool: str
    account: str
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalance:
    lines: tuple[TrialBalanceLine, ...]

    def pools(self) -> list[tuple[str, str]]:
        return sorted({(line.area, line.pool) for line in self.lines})

    def totals(self, area: str | None = None, pool: str | None = None) -> tuple[int, int]:
        """(debits, credits) of one pool, one area, or everything."""
        debit = credit = 0
        for line in self.lines:
            if (area is None or line.area == area) and (pool is None or line.pool == pool):
                debit += line.debit
                credit += line.credit
        return debit, credit

    def unbalanced_pools(self) -> list[tuple[str, str, int]]:
        """Pools whose debits and credits differ (should always be empty)."""
        net: dict[tuple[str, str], int] = {}
        for line in self.lines:
            key = (line.area, line.pool)
            net[key] = net.get(key, 0) + line.debit - line.credit
        return [(area, pool, diff) for (area, pool), diff in sorted(net.items()) if diff != 0]


def trial_balance(account_balances: Mapping[AccountKey, int]) -> TrialBalance:
    lines = tuple(
        TrialBalanceLine(area, pool, account, max(amount, 0), max(-amount, 0))
        for (area, pool, account), amount in sorted(account_balances.items())
        if amount != 0
    )
    return TrialBalance(lines)


def pool_balances(account_balances: Mapping[AccountKey, int], area: str, pool: str) -> dict[str, int]:
    return {acc: amount for (a, p, acc), amount in account_balances.items() if a == area and p == pool}
