"""Demo: an illustrative host general-ledger extract for an area, made from the pool's own books.

Each pool is a cost centre of the host's ledger ('BCF-P1'); each scheme an expenditure account
('5' and the scheme number), the partners' contributions one income account ('9100'), the
performance sum paid to hospitals '9200' and the year-end entries '9900'.
Every contribution and scheme payment of the pool's books becomes a host row in its month, and
a few rows of the host's other cost centres are mixed in (not the pool's). The figures are
illustrative, never a real council's ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from carepool.cell_text import SafeWriter
from carepool.ledger.periods import Period
from carepool.ledger.reconcile import INCOME, PERFORMANCE, YEAR_END, HostRow, MapRule, target_of
from carepool.ledger.transactions import Transaction
from carepool.money import Money
from carepool.plans.model import Plan

INCOME_ACCOUNT = "9100"
ACCOUNTS = {INCOME: INCOME_ACCOUNT, PERFORMANCE: "9200", YEAR_END: "9900"}


def cost_centre(pool: str) -> str:
    return f"BCF-{pool}"


def scheme_account(ref: str) -> str:
    digits = "".join(ch for ch in ref if ch.isdigit()) or "0"
    return f"5{int(digits):03d}"


def host_codes(plan: Plan) -> list[MapRule]:
    """The mapping of the host's codes to the pool: one per scheme, one income code per pool."""
    rules = [MapRule(0, cost_centre(p.id), account, p.id, target) for p in plan.pools
             for target, account in ACCOUNTS.items()]
    rules += [MapRule(0, cost_centre(s.pool), scheme_account(s.ref), s.pool, s.ref) for s in plan.schemes]
    return [MapRule(i, r.cost_centre, r.account, r.pool, r.target) for i, r in enumerate(rules, start=2)]


def extract_rows(plan: Plan, transactions: Iterable[Transaction], year: Period) -> list[HostRow]:
    """The host's rows for the pool (one per contribution or scheme payment) and a few others."""
    rows: list[HostRow] = []
    for txn in sorted(transactions, key=lambda t: (t.on, t.key)):
        if txn.area != plan.area_code or not year.contains(txn.on):
            continue
        for p in txn.postings:
            target = target_of(p.account)
            account = ACCOUNTS.get(target, scheme_account(target)) if target is not None else None
            if account is not None:
                rows.append(HostRow(0, cost_centre(txn.pool), account, txn.on.strftime("%Y-%m"), p.pence))
    rows += [HostRow(0, "ADULTS-GEN", "4000", year.start.strftime("%Y-%m"), 1_250_000_00),
             HostRow(0, "HOUSING", "5100", year.end.strftime("%Y-%m"), 310_400_00)]
    return [HostRow(i, r.cost_centre, r.account, r.month, r.pence) for i, r in enumerate(rows, start=2)]


def write_extract(rows: Sequence[HostRow], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = SafeWriter(handle)
        out.writerow(["cost_centre", "account", "period", "amount", "description"])
        out.writerows([r.cost_centre, r.account, r.month, Money(r.pence).plain(), "illustrative"] for r in rows)
    return path


def write_mapping(rules: Sequence[MapRule], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = SafeWriter(handle)
        out.writerow(["cost_centre", "account", "pool", "maps_to"])
        out.writerows([r.cost_centre, r.account, r.pool, r.target] for r in rules)
    return path
