"""Contributions scheduled from an assured plan, and the schemes' budgets (memo).

Revenue streams arrive in twelve monthly instalments (largest remainder, so they add up to
the penny) into the revenue fund; capital grants arrive in one sum when received, into
the capital fund (which streams are capital is the programme's word: ``capital_streams``).
Keys name the plan year, area, pool, partner, stream and instalment, so scheduling the same
plan twice posts nothing new.

A two-year plan (2017-19, 2023-25) is posted one plan year at a time: each financial year gets
only that year's funding lines and that year's share of each scheme (``Scheme.amounts``), dated
in that year, never the two-year total. Which year is posted is always named; a two-year plan
posted without one is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger.periods import Period, financial_year, months_of, parse_period
from carepool.ledger.transactions import Kind, Transaction, transaction, transfer
from carepool.money import Money, apportion
from carepool.plans.model import FundingLine, Plan
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


def plan_years(programme: ProgrammeYear) -> tuple[str, ...]:
    """The programme's plan years in order (financial year labels; a one-year programme has one)."""
    return programme.plan_years or (financial_year(programme.start.year).label,)


def plan_year_to_post(programme: ProgrammeYear, plan_year: str | None = None, doing: str = "post") -> str:
    """The plan year (financial year label, '2023-24') whose money is posted (or settled: ``doing``).

    A one-year programme has one (naming it is optional); a two-year programme must be told
    which, since posting its whole period into one year would put money in the wrong year.
    """
    years = plan_years(programme)
    if plan_year is None:
        if len(years) == 1:
            return years[0]
        raise InputError(f"{programme.id} plans cover {', '.join(years)}: name the plan year to {doing} "
                         "(each year's money is in its own financial year)", where="plan year")
    if plan_year not in years:
        raise InputError(f"'{plan_year}' is not a plan year of {programme.id} ({', '.join(years)})",
                         where="plan year")
    return plan_year


def _two_year(programme: ProgrammeYear) -> bool:
    return len(programme.plan_years) > 1


def _key_year(plan: Plan, programme: ProgrammeYear, label: str) -> str:
    """The key prefix: the programme id, and for two-year plans the plan year (one-year keys unchanged)."""
    return f"{plan.year}:{label}" if _two_year(programme) else plan.year


def _period(programme: ProgrammeYear, label: str) -> Period:
    return parse_period(label) if _two_year(programme) else financial_year(programme.start.year)


def funding_in_year(plan: Plan, programme: ProgrammeYear, plan_year: str | None = None) -> tuple[FundingLine, ...]:
    """The plan's funding lines for one plan year (a one-year plan: all of them)."""
    label = plan_year_to_post(programme, plan_year)
    if not _two_year(programme):
        return plan.funding
    undated = [i for i, line in enumerate(plan.funding) if not line.plan_year]
    if undated:
        raise InputError(f"funding line {undated[0] + 1} of {plan.area_code} names no plan year: a two-year "
                         "plan's money is posted year by year", where="funding")
    return tuple(line for line in plan.funding if line.plan_year == label)


def scheme_amounts_in_year(plan: Plan, programme: ProgrammeYear,
                           plan_year: str | None = None) -> tuple[Money, ...]:
    """Each scheme's planned spend in one plan year, in the plan's order (a one-year plan: its whole amount)."""
    label = plan_year_to_post(programme, plan_year)
    if not _two_year(programme):
        return tuple(s.amount for s in plan.schemes)
    missing = [s.ref for s in plan.schemes if not s.amounts and s.amount.pence]
    if missing:
        raise InputError(f"scheme {missing[0]} of {plan.area_code} has no per-year figures: a two-year plan's "
                         "budgets are posted year by year", where="schemes")
    return tuple(s.amount_for(label) for s in plan.schemes)


def pooled_in_year(plan: Plan, programme: ProgrammeYear, plan_year: str | None = None) -> Money:
    """What the partners pool in one plan year (a one-year plan: its pooled total)."""
    return Money(sum(line.amount.pence for line in funding_in_year(plan, programme, plan_year)))


def funding_by_line(plan: Plan, lines: tuple[FundingLine, ...] | None = None) -> dict[tuple[str, str, str], Money]:
    """(pool, contributor, stream) -> amount, merging repeated lines (of ``lines``, default all)."""
    out: dict[tuple[str, str, str], Money] = {}
    for line in plan.funding if lines is None else lines:
        key = (line.pool, line.contributor, line.stream)
        out[key] = out.get(key, Money(0)) + line.amount
    return out


def schedule_contributions(
    plan: Plan, programme: ProgrammeYear,
    capital_received: Mapping[tuple[str, str], date] | None = None, plan_year: str | None = None,
) -> list[Transaction]:
    """Every contribution of ``plan`` in ``plan_year`` as transactions (revenue monthly, capital when received).

    ``capital_received`` maps (contributor, stream) to the day the grant arrived ('*' as the
    contributor means every contributor of that stream); a grant with no date is taken as
    received on the first day of the year.
    """
    label = plan_year_to_post(programme, plan_year)
    year = _period(programme, label)
    months = months_of(year)
    received = capital_received or {}
    capital = capital_streams(programme)
    out: list[Transaction] = []
    lines = funding_in_year(plan, programme, label)
    for (pool, contributor, stream), amount in sorted(funding_by_line(plan, lines).items()):
        if amount.pence == 0:
            continue
        fund = fund_of_stream(capital, stream)
        account = acc.contribution(contributor, stream, fund)
        base = f"contrib:{_key_year(plan, programme, label)}:{plan.area_code}:{pool}:{contributor}:{stream}"
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


def scheme_budgets(plan: Plan, programme: ProgrammeYear, plan_year: str | None = None) -> list[Transaction]:
    """Each scheme's budget for ``plan_year`` as a memo posting (does not move the pool's money)."""
    label = plan_year_to_post(programme, plan_year)
    on = _period(programme, label).start if _two_year(programme) else programme.start
    out: list[Transaction] = []
    for scheme, amount in zip(plan.schemes, scheme_amounts_in_year(plan, programme, label), strict=True):
        if amount.pence == 0:
            continue
        out.append(transaction(
            f"budget:{_key_year(plan, programme, label)}:{plan.area_code}:{scheme.pool}:{scheme.ref}", plan.area_code,
            scheme.pool, on, Kind.BUDGET.value, f"Budget of {scheme.ref} {scheme.name}"
            + (f" for {label}" if _two_year(programme) else ""),
            transfer(acc.scheme_budget(scheme.ref), acc.BUDGET_APPROVED, amount.pence)))
    return out
