"""What a pool's year end does beyond the risk share: capital by stream and carry-forward.

Capital never meets revenue at year end. Each capital stream's unspent balance (received and
brought forward, less what its schemes spent) either passes to the district councils, for a
stream the programme says does so in two-tier areas (the Disabled Facilities Grant), or
carries forward in the pool's capital fund; a capital overspend carries forward as a deficit
for next year's capital to meet. A revenue underspend the agreement keeps in the pool
carries forward too. Whatever carries forward is moved into a reserve at year end and opens
the next year's books as brought-forward income, so each year's books stand alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from carepool.ledger import accounts as acc
from carepool.ledger.periods import financial_year
from carepool.ledger.transactions import Kind, Transaction, transaction, transfer
from carepool.plans.model import Plan

UNATTRIBUTED = "unattributed"   # capital spent on a scheme the plan does not name


@dataclass(frozen=True)
class YearEnd:
    """The year being closed and where capital goes, for one area."""

    year: str                                       # 'bcf-2015-16'; a two-year plan's year: 'bcf-2023-25:2024-25'
    start: date
    end: date
    district_streams: frozenset[str] = frozenset()  # capital streams passed to district councils here
    districts: tuple[str, ...] = ()                 # the area's district codes; () when not known
    area_name: str = ""

    @classmethod
    def of(cls, year: str, end: date) -> YearEnd:
        """The financial year ending on ``end`` (1 April to 31 March), no two-tier rules."""
        period = financial_year(end.year - 1)
        return cls(year, period.start, end)

    @property
    def next_start(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def next_label(self) -> str:
        return financial_year(self.next_start.year).label

    def districts_narration(self) -> str:
        """Who receives capital passed on, saying plainly what carepool does not know."""
        who = f"the district councils of {self.area_name or 'the area'}"
        if not self.districts:
            return f"{who} (the district list for this area is not in carepool's reference data)"
        return (f"{who} ({', '.join(self.districts)}); each district's share follows its DFG allocation, "
                "which carepool's reference data does not hold")


@dataclass(frozen=True, slots=True)
class CapitalLine:
    """One capital stream of one pool at year end, in pence."""

    stream: str
    brought_forward: int
    received: int
    spent: int
    to_districts: int
    carried_forward: int   # negative: an overspend carried forward as a deficit

    @property
    def unspent(self) -> int:
        return self.brought_forward + self.received - self.spent


def capital_lines(plan: Plan, pool: str, pool_bal: Mapping[str, int], when: YearEnd) -> list[CapitalLine]:
    """Each capital stream's year: brought forward, received, spent, passed on, carried forward."""
    source = {s.ref: s.source for s in plan.schemes if s.pool == pool}
    received: dict[str, int] = {}
    spent: dict[str, int] = {}
    brought: dict[str, int] = {}
    for account, amount in pool_bal.items():
        if acc.fund_of(account) != acc.CAPITAL:
            continue
        contribution = acc.contribution_of(account)
        ref = acc.scheme_of_spend(account)
        opening = acc.stream_of(account, "Income:BroughtForward:")
        if contribution is not None:
            received[contribution[1]] = received.get(contribution[1], 0) - amount
        elif ref is not None:
            stream = source.get(ref, UNATTRIBUTED)
            spent[stream] = spent.get(stream, 0) + amount
        elif opening is not None:
            brought[opening] = brought.get(opening, 0) - amount
    out: list[CapitalLine] = []
    for stream in sorted(set(received) | set(spent) | set(brought)):
        unspent = brought.get(stream, 0) + received.get(stream, 0) - spent.get(stream, 0)
        to_districts = unspent if unspent > 0 and stream in when.district_streams else 0
        out.append(CapitalLine(stream, brought.get(stream, 0), received.get(stream, 0), spent.get(stream, 0),
                               to_districts, unspent - to_districts))
    return out


def capital_transaction(plan: Plan, pool: str, lines: list[CapitalLine], when: YearEnd) -> Transaction | None:
    """Unspent capital passed to district councils or moved to the capital reserve (by stream)."""
    postings: list[tuple[str, int]] = []
    for line in lines:
        if line.to_districts:
            postings += transfer(acc.passed_to_districts(line.stream), acc.district_councils("DistrictCouncils"),
                                 line.to_districts)
        if line.carried_forward:
            postings += transfer(acc.carried_forward(acc.CAPITAL, line.stream), acc.reserve(acc.CAPITAL, line.stream),
                                 line.carried_forward)
    if not postings:
        return None
    passed = [line.stream for line in lines if line.to_districts]
    narration = "Year-end capital: unspent capital carried forward in the capital fund"
    if passed:
        narration += f"; unspent {', '.join(passed)} passed to {when.districts_narration()}"
    return transaction(f"capital:{when.year}:{plan.area_code}:{pool}", plan.area_code, pool, when.end,
                       Kind.SETTLEMENT.value, narration, postings)


def retained_transaction(plan: Plan, pool: str, retained: int, when: YearEnd) -> Transaction | None:
    """The revenue underspend the agreement keeps in the pool, moved to the revenue reserve."""
    if retained == 0:
        return None
    return transaction(f"carry:{when.year}:{plan.area_code}:{pool}", plan.area_code, pool, when.end,
                       Kind.SETTLEMENT.value, "Year-end revenue underspend kept in the pool (risk-share agreement)",
                       transfer(acc.carried_forward(acc.REVENUE), acc.reserve(acc.REVENUE), retained))


def opening_transaction(plan: Plan, pool: str, retained: int, lines: list[CapitalLine],
                        when: YearEnd) -> Transaction | None:
    """Next year's opening balances: each reserve released as brought-forward income on 1 April."""
    postings = transfer(acc.reserve(acc.REVENUE), acc.brought_forward(acc.REVENUE), retained)
    for line in lines:
        postings += transfer(acc.reserve(acc.CAPITAL, line.stream), acc.brought_forward(acc.CAPITAL, line.stream),
                             line.carried_forward)
    txn = transaction(f"open:{when.next_label}:{plan.area_code}:{pool}", plan.area_code, pool, when.next_start,
                      Kind.OPENING.value, f"Balances brought forward from {when.year}", postings)
    return txn if txn.postings else None
