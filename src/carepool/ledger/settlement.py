"""Risk-share agreements (data) and the year-end settlement of a pool's over/underspend.

A pool's revenue net position for the year is its revenue income less its revenue
expenditure: positive is an underspend owed back to the partners, negative an overspend they
must meet. Capital is never shared: it is settled by stream in ``year_end``. The agreement
may keep part of a revenue underspend in the pool (``carry_forward_pct``); that part opens
next year's books as brought-forward income and the rest is shared. The agreement
says who bears it: fixed shares (e.g. 50/50), in proportion to what each partner put in, or
the lead commissioner of each scheme (each scheme's variance against budget to its
commissioner; anything not attributable to a scheme in proportion to contributions). Parts
are split with largest remainder, so they add up exactly to the net position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger.balances import balances, pool_balances
from carepool.ledger.transactions import Kind, Transaction, transaction
from carepool.ledger.year_end import (
    CapitalLine,
    YearEnd,
    capital_lines,
    capital_transaction,
    opening_transaction,
    retained_transaction,
)
from carepool.money import apportion_int
from carepool.plans.model import Plan

KINDS = ("fixed", "proportional", "lead_commissioner")


@dataclass(frozen=True)
class RiskShare:
    """How one pool's over/underspend is shared."""

    kind: str = "proportional"
    shares: tuple[tuple[str, int], ...] = ()   # fixed: (partner code, weight), e.g. 50/50
    carry_forward_pct: int = 0   # of a revenue underspend, the percentage agreed to stay in the pool

    def __post_init__(self) -> None:
        if type(self.carry_forward_pct) is not int or not 0 <= self.carry_forward_pct <= 100:
            raise InputError(f"carry-forward must be a whole percentage from 0 to 100, not {self.carry_forward_pct!r}")
        if self.kind not in KINDS:
            raise InputError(f"'{self.kind}' is not a risk-share kind (one of: {', '.join(KINDS)})")
        if self.kind == "fixed" and (not self.shares or any(w < 0 for _, w in self.shares)
                                     or sum(w for _, w in self.shares) == 0):
            raise InputError("a fixed risk share needs partners with non-negative weights, not all zero")


@dataclass(frozen=True)
class Settlement:
    area: str
    pool: str
    net: int                            # revenue: positive underspend; negative overspend
    parts: tuple[tuple[str, int], ...]  # partner -> share of the revenue net not kept in the pool
    transaction: Transaction | None     # the risk-share settlement
    retained: int = 0                   # revenue underspend kept in the pool (carried forward)
    capital: tuple[CapitalLine, ...] = ()
    transactions: tuple[Transaction, ...] = ()   # every year-end transaction, the opening one included


def _split(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    names = sorted(weights)
    if amount == 0 or not names:
        return dict.fromkeys(names, 0)
    return dict(zip(names, apportion_int(amount, [weights[n] for n in names]), strict=True))


def contributions_by_partner(pool_bal: Mapping[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for account, amount in pool_bal.items():
        partner = acc.partner_of_contribution(account)
        if partner is not None:
            out[partner] = out.get(partner, 0) - amount
    return out


def net_position(pool_bal: Mapping[str, int]) -> int:
    """Income less expenditure (positive is an underspend)."""
    return -sum(v for a, v in pool_bal.items() if acc.is_income_or_expense(a))


def revenue_only(pool_bal: Mapping[str, int]) -> dict[str, int]:
    return {a: v for a, v in pool_bal.items() if acc.fund_of(a) == acc.REVENUE}


def keep_in_pool(parts: Mapping[str, int], retained: int) -> dict[str, int]:
    """Take ``retained`` out of the partners' underspend shares, in proportion, to the penny."""
    positive = {p: v for p, v in parts.items() if v > 0}
    out = dict(parts)
    for partner, part in _split(retained, positive).items():
        out[partner] -= part
    return out


def _proportional_weights(plan: Plan, pool_bal: Mapping[str, int]) -> dict[str, int]:
    paid = {p: v for p, v in contributions_by_partner(pool_bal).items() if v > 0}
    if paid:
        return paid
    return {p.code: 1 for p in plan.partners if p.kind in ("ccg", "la")}


def shares(plan: Plan, pool: str, pool_bal: Mapping[str, int], agreement: RiskShare,
           capital_schemes: frozenset[str] = frozenset()) -> dict[str, int]:
    """Each partner's part of the pool's net position; the parts sum exactly to it.
    ``capital_schemes`` (refs) are left out of the lead commissioner's scheme variances."""
    net = net_position(pool_bal)
    proportional = _proportional_weights(plan, pool_bal)
    if agreement.kind == "fixed":
        return _split(net, dict(agreement.shares))
    if agreement.kind == "proportional":
        return _split(net, proportional)
    parts: dict[str, int] = {}
    attributed = 0
    la = next((p.code for p in plan.partners if p.kind == "la"), None)
    ccgs = {p.code for p in plan.partners if p.kind == "ccg"}
    lead_ccg = max(sorted(ccgs), key=lambda c: proportional.get(c, 0), default=None)
    for scheme in plan.schemes:
        if scheme.pool != pool or scheme.ref in capital_schemes:
            continue
        variance = pool_bal.get(acc.scheme_budget(scheme.ref), 0) - pool_bal.get(acc.scheme_spend(scheme.ref), 0)
        attributed += variance
        lead = la if scheme.commissioner == "Local Authority" else lead_ccg if scheme.commissioner == "CCG" else None
        split = {lead: variance} if lead is not None else _split(variance, proportional)
        for partner, part in split.items():
            parts[partner] = parts.get(partner, 0) + part
    for partner, part in _split(net - attributed, proportional).items():
        parts[partner] = parts.get(partner, 0) + part
    return parts


def settlement_postings(parts: Mapping[str, int]) -> list[tuple[str, int]]:
    postings: list[tuple[str, int]] = []
    for partner, part in sorted(parts.items()):
        if part > 0:    # underspend: the pool owes the partner its share back
            postings += [(acc.settlement_expense(partner), part), (acc.risk_share(partner), -part)]
        elif part < 0:  # overspend: the partner owes the pool its share
            postings += [(acc.risk_share(partner), -part), (acc.settlement_income(partner), part)]
    return postings


def settle_pool(
    plan: Plan, pool: str, transactions: Iterable[Transaction], agreement: RiskShare, year_end: date | YearEnd,
) -> Settlement:
    """The year end of one pool from its year's transactions (earlier year-end postings ignored):
    the revenue risk share, the revenue kept in the pool, capital by stream, next year's opening."""
    when = year_end if isinstance(year_end, YearEnd) else YearEnd.of(plan.year, year_end)
    own = [t for t in transactions if t.area == plan.area_code and t.pool == pool
           and t.kind != Kind.SETTLEMENT.value and when.start <= t.on <= when.end]
    bal = pool_balances(balances(own), plan.area_code, pool)
    revenue = revenue_only(bal)
    net = net_position(revenue)
    retained = net * agreement.carry_forward_pct // 100 if net > 0 else 0
    capital = capital_lines(plan, pool, bal, when)
    capital_schemes = frozenset(s.ref for s in plan.schemes if s.source in {c.stream for c in capital})
    parts = keep_in_pool(shares(plan, pool, revenue, agreement, capital_schemes), retained)
    postings = settlement_postings(parts)
    txn = None
    if postings:
        txn = transaction(f"settle:{when.year}:{plan.area_code}:{pool}", plan.area_code, pool, when.end,
                          Kind.SETTLEMENT.value, f"Year-end risk-share settlement ({agreement.kind})", postings)
    made = (txn, retained_transaction(plan, pool, retained, when), capital_transaction(plan, pool, capital, when),
            opening_transaction(plan, pool, retained, capital, when))
    return Settlement(plan.area_code, pool, net, tuple(sorted(parts.items())), txn, retained, tuple(capital),
                      tuple(t for t in made if t is not None))
