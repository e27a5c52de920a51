"""Statements of the books as plain tables: pool, partner, scheme, trial balance, and the
quarterly return's income-and-expenditure section. Adapters render them (terminal, CSV, Excel).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from carepool.ledger import accounts as acc
from carepool.ledger.balances import TrialBalance, balances
from carepool.ledger.periods import quarter_of
from carepool.ledger.transactions import Kind, Transaction
from carepool.money import Money

Cell = str | int | Money


@dataclass(frozen=True)
class Report:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def _debits(txns: Iterable[Transaction], account: str) -> int:
    return sum(p.pence for t in txns for p in t.postings if p.account == account and p.pence > 0)


def pool_statement(transactions: Sequence[Transaction], area: str) -> Report:
    """For each pool of ``area``: income, expenditure, the performance sum and the position."""
    rows: list[tuple[Cell, ...]] = []
    own = [t for t in transactions if t.area == area]
    for pool in sorted({t.pool for t in own}):
        txns = [t for t in own if t.pool == pool]
        bal = {a: v for (_, _, a), v in balances(txns).items()}

        def line(section: str, item: str, pence: int, pool: str = pool) -> None:
            rows.append((pool, section, item, Money(pence)))

        for account in sorted(a for a in bal if acc.is_contribution(a)):
            partner, stream = acc.contribution_of(account) or ("", "")
            line("income", f"contribution {partner}:{stream}{_capital_tag(account)}", -bal[account])
        for account in sorted(a for a in bal if acc.stream_of(a, "Income:BroughtForward") is not None):
            line("income", f"brought forward from last year{_capital_tag(account)}", -bal[account])
        for account in sorted(a for a in bal if a.startswith("Income:Settlement:")):
            line("income", f"overspend met by {account.removeprefix('Income:Settlement:')}", -bal[account])
        for fund in acc.FUNDS:
            spend = sum(v for a, v in bal.items() if acc.is_scheme_spend(a) and acc.fund_of(a) == fund)
            line("expenditure", "schemes" if fund == acc.REVENUE else "capital schemes", spend)
        line("expenditure", "performance sum paid to acute providers", bal.get(acc.PAID_TO_ACUTE, 0))
        for account in sorted(a for a in bal if a.startswith("Expenses:Settlement:")):
            line("expenditure", f"underspend returned to {account.removeprefix('Expenses:Settlement:')}",
                 bal[account])
        for account in sorted(a for a in bal if acc.stream_of(a, "Expenses:PassedToDistricts:") is not None):
            line("expenditure", f"passed to district councils: {acc.stream_of(account, 'Expenses:PassedToDistricts:')}",
                 bal[account])
        for account in sorted(a for a in bal if acc.stream_of(a, "Expenses:CarriedForward") is not None):
            line("expenditure", f"carried forward to next year{_capital_tag(account)}", bal[account])
        line("performance", "held back", _debits(txns, acc.HELD_BACK))
        line("performance", "released to the pool", bal.get(acc.RELEASED, 0))
        line("performance", "paid to acute providers", bal.get(acc.PAID_TO_ACUTE, 0))
        line("performance", "still held back", bal.get(acc.HELD_BACK, 0))
        line("performance", "paid through tariff outside the pool (memo)", bal.get(acc.TARIFF_OUTSIDE, 0))
        line("performance", "out-of-hospital investment committed (memo)", bal.get(acc.OUT_OF_HOSPITAL, 0))
        if acc.HELD_FOR_CONDITIONS in bal:
            line("position", "held while an assurance condition is open", bal[acc.HELD_FOR_CONDITIONS])
        line("position", "pool fund", bal.get(acc.FUND, 0))
        line("position", "capital fund", bal.get(acc.fund_cash(acc.CAPITAL), 0))
        line("position", "net position (income less expenditure)",
             -sum(v for a, v in bal.items() if acc.is_income_or_expense(a)))
        line("position", "risk-share reserves (owed to partners)",
             -sum(v for a, v in bal.items() if a.startswith("Liabilities:RiskShare:")))
        line("position", "owed to district councils",
             -sum(v for a, v in bal.items() if acc.stream_of(a, "Liabilities:Districts:") is not None))
        line("position", "reserves carried forward",
             -sum(v for a, v in bal.items() if acc.stream_of(a, "Equity:Reserves") is not None))
    return Report(f"Pool statement: {area}", ("pool", "section", "item", "amount"), tuple(rows))


def _capital_tag(account: str) -> str:
    return " (capital)" if acc.fund_of(account) == acc.CAPITAL else ""


def partner_statement(transactions: Sequence[Transaction], partner: str) -> Report:
    """What one partner put into each pool, by stream, and its share of each settlement."""
    rows: list[tuple[Cell, ...]] = []
    bal = balances(transactions)
    for (area, pool, account), amount in sorted(bal.items()):
        contribution = acc.contribution_of(account)
        if contribution is not None and contribution[0] == partner:
            rows.append((area, pool, f"contributed {contribution[1]}{_capital_tag(account)}", Money(-amount)))
        elif account == acc.risk_share(partner):
            rows.append((area, pool, "risk-share settlement (positive: owed to the partner)", Money(-amount)))
    return Report(f"Partner statement: {partner}", ("area", "pool", "item", "amount"), tuple(rows))


def scheme_statement(transactions: Sequence[Transaction], area: str,
                     names: Mapping[str, str] | None = None) -> Report:
    """Each scheme's budget, spend, what is left and how many payments were made; with ``names``
    (scheme ref -> name, from the plan), each scheme's name beside its ref."""
    own = [t for t in transactions if t.area == area]
    bal = balances(own)
    payments: dict[tuple[str, str], int] = {}
    for t in own:
        if t.kind == Kind.SPEND.value:
            for p in t.postings:
                ref = acc.scheme_of_spend(p.account)
                if ref is not None:
                    payments[(t.pool, ref)] = payments.get((t.pool, ref), 0) + 1
    schemes: set[tuple[str, str]] = set()
    for (_, pool, account) in bal:
        ref = acc.scheme_of_spend(account)
        if ref is None and account.startswith("Equity:Memo:Budget:Schemes:"):
            ref = account.removeprefix("Equity:Memo:Budget:Schemes:")
        if ref is not None:
            schemes.add((pool, ref))
    rows: list[tuple[Cell, ...]] = []
    for pool, ref in sorted(schemes):
        budget = bal.get((area, pool, acc.scheme_budget(ref)), 0)
        spent = sum(bal.get((area, pool, acc.scheme_spend(ref, fund)), 0) for fund in acc.FUNDS)
        named: tuple[Cell, ...] = (names.get(ref, ""),) if names is not None else ()
        rows.append((pool, ref, *named, Money(budget), Money(spent), Money(budget - spent),
                     payments.get((pool, ref), 0)))
    columns = ("pool", "scheme", *(("name",) if names is not None else ()), "budget", "spent", "remaining",
               "payments")
    return Report(f"Scheme statement: {area}", columns, tuple(rows))


def trial_balance_report(tb: TrialBalance) -> Report:
    rows: list[tuple[Cell, ...]] = [
        (line.area, line.pool, line.account, Money(line.debit), Money(line.credit)) for line in tb.lines]
    debit, credit = tb.totals()
    rows.append(("", "", "total", Money(debit), Money(credit)))
    return Report("Trial balance", ("area", "pool", "account", "debit", "credit"), tuple(rows))


def income_expenditure(transactions: Sequence[Transaction], area: str, quarters: Sequence[str]) -> Report:
    """The quarterly return's income-and-expenditure section: each pool, quarter by quarter."""
    own = [t for t in transactions if t.area == area and t.kind != Kind.SETTLEMENT.value]
    rows: list[tuple[Cell, ...]] = []
    for pool in sorted({t.pool for t in own}):
        cumulative = 0
        for q in quarters:
            income = expenditure = 0
            for t in own:
                if t.pool != pool or quarter_of(t.on) != q:
                    continue
                for p in t.postings:
                    if acc.root(p.account) == "Income":
                        income -= p.pence
                    elif acc.root(p.account) == "Expenses":
                        expenditure += p.pence
            cumulative += income - expenditure
            rows.append((pool, q, Money(income), Money(expenditure), Money(income - expenditure),
                         Money(cumulative)))
    return Report(f"Quarterly return, income and expenditure: {area}",
                  ("pool", "quarter", "income", "expenditure", "net", "cumulative net"), tuple(rows))
