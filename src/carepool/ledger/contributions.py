"""Contributions scheduled from an assured plan, and the schemes' budgets (memo).

Revenue streams arrive in twelve monthly instalments (largest remainder, so they add up to
the penny) into the revenue fund; capital grants arrive in one sum when received, into
the capital fund (which streams are capital is the programme's word: ``capital_streams``).
Keys name the plan year, area, pool, partner, stream and instalment, so scheduling the same
plan twice posts nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from carepool.ledger import accounts as acc
from carepool.ledger.periods import financial_year, months_of
from carepool.ledger.transactions import Kind, Transaction, transaction, transfer
from carepool.money import Money, apportion
from carepool.plans.model import Plan
from carepool.programme.model import ProgrammeYear

INSTALMENTS = 12


def stream_kind(programme: ProgrammeYear, stream: str) -> str:
    """'capital' or 'revenue' (a stream the programme does not name is revenue)."""
    try:
        return programme.stream(stream).kind
    except KeyError:
        return "revenue"


def capital_streams(programme: ProgrammeYear) -> frozenset[str]:
    """The ids of the programme's capital streams: the one place the ledger reads capital-ness."""
    return frozenset(s.id for s in programme.streams if s.capital)


def fund_of_stream(capital: frozenset[str] | set[str], stream: str) -> str:
    return acc.CAPITAL if stream in capital else acc.REVENUE


def funding_by_line(plan: Plan) -> dict[tuple[str, str, str], Money]:
    """(pool, contributor, stream) -> amount, merging repeated lines."""
    out: dict[tuple[str, str, str], Money] = {}
    for line in plan.funding:
        key = (line.pool, line.contributor, line.stream)
        out[key] = out.get(key, Money(0)) + line.amount
    return out


def schedule_contributions(
    plan: Plan, programme: ProgrammeYear,
    capital_received: Mapping[tuple[str, str], date] | None = None,
) -> list[Transaction]:
    """Every contribution of ``plan`` as transactions (revenue monthly, capital when received).

    ``capital_received`` maps (contributor, stream) to the day the grant arrived ('*' as the
    contributor means every contributor of that stream); a grant with no date is taken as
    received on the first day of the year.
    """
    year = financial_year(programme.start.year)
    months = months_of(year)
    received = capital_received or {}
    capital = capital_streams(programme)
    out: list[Transaction] = []
    for (pool, contributor, stream), amount in sorted(funding_by_line(plan).items()):
        if amount.pence == 0:
            continue
        fund = fund_of_stream(capital, stream)
        account = acc.contribution(contributor, stream, fund)
        base = f"contrib:{plan.year}:{plan.area_code}:{pool}:{contributor}:{stream}"
        if fund == acc.CAPITAL:
            on = received.get((contributor, stream), received.get(("*", stream), year.start))
            out.append(transaction(f"{base}:grant", plan.area_code, pool, on, Kind.CONTRIBUTION.value,
                                   f"{contributor} {stream} capital grant",
                                   transfer(acc.fund_cash(fund), account, amount.pence)))
            continue
        for i, (part, m) in enumerate(zip(apportion(amount, [1] * INSTALMENTS), months, strict=True), 1):
            out.append(transaction(f"{base}:{i:02d}", plan.area_code, pool, m.start, Kind.CONTRIBUTION.value,
                                   f"{contributor} {stream} instalment {i} of {INSTALMENTS}",
                                   transfer(acc.FUND, account, part.pence)))
    return [t for t in out if len(t.postings) >= 2]


def scheme_budgets(plan: Plan, programme: ProgrammeYear) -> list[Transaction]:
    """Each scheme's budget as a memo posting (does not move the pool's money)."""
    on = programme.start
    out: list[Transaction] = []
    for scheme in plan.schemes:
        if scheme.amount.pence == 0:
            continue
        out.append(transaction(
            f"budget:{plan.year}:{plan.area_code}:{scheme.pool}:{scheme.ref}", plan.area_code, scheme.pool, on,
            Kind.BUDGET.value, f"Budget of {scheme.ref} {scheme.name}",
            transfer(acc.scheme_budget(scheme.ref), acc.BUDGET_APPROVED, scheme.amount.pence)))
    return out
