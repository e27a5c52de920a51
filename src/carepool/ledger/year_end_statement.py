"""The pool's year-end statement in the shape of a Section 75 pooled budget annual report.

Sections, each a plain table: income by partner and stream (with any balance brought forward),
expenditure by scheme and provider, capital (a separate fund, by stream: brought forward,
received, spent, passed to district councils, carried forward), the revenue risk-share
settlement (the net position before settlement and each partner's part), and what carries
forward into next year. Read only from the books, so it agrees with the trial balance; a
check line per pool shows income less expenditure after the year end is nil in both funds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from carepool.ledger import accounts as acc
from carepool.ledger.balances import balances
from carepool.ledger.statements import Cell, Report
from carepool.ledger.transactions import Kind, Transaction
from carepool.money import Money

COLUMNS = ("pool", "item", "detail", "fund", "amount")


@dataclass(frozen=True)
class YearEndStatement:
    area: str
    year: str
    sections: tuple[Report, ...]
    illustrative: bool = False

    def as_report(self) -> Report:
        """Every section in one table (a 'section' column first), e.g. for one CSV file."""
        rows = tuple((s.title, *row) for s in self.sections for row in s.rows)
        return Report(f"Year-end statement {self.area} {self.year}", ("section", *COLUMNS), rows)


def _fund(account: str) -> str:
    return acc.fund_of(account)


def _row(pool: str, item: str, detail: str, fund: str, pence: int) -> tuple[Cell, ...]:
    return (pool, item, detail, fund, Money(pence))


def _providers(txn: Transaction) -> list[str]:
    return sorted({leaf for p in txn.postings if (leaf := acc.leaf(p.account, "Liabilities:Providers:")) is not None})


def _income(pool: str, bal: Mapping[str, int], names: Mapping[str, str]) -> list[tuple[Cell, ...]]:
    rows = []
    for account in sorted(a for a in bal if acc.stream_of(a, "Income:BroughtForward") is not None):
        stream = acc.stream_of(account, "Income:BroughtForward:") or ""
        rows.append(_row(pool, "balance brought forward", stream or "revenue kept in the pool", _fund(account),
                         -bal[account]))
    for account in sorted(a for a in bal if acc.is_contribution(a)):
        partner, stream = acc.contribution_of(account) or ("", "")
        rows.append(_row(pool, names.get(partner, partner), stream, _fund(account), -bal[account]))
    for account in sorted(a for a in bal if a.startswith("Income:Settlement:")):
        partner = account.removeprefix("Income:Settlement:")
        rows.append(_row(pool, names.get(partner, partner), "overspend met under the risk share", acc.REVENUE,
                         -bal[account]))
    return rows


def _expenditure(pool: str, txns: Sequence[Transaction], bal: Mapping[str, int],
                 schemes: Mapping[str, str]) -> list[tuple[Cell, ...]]:
    by_line: dict[tuple[str, str, str], int] = {}
    for txn in txns:
        providers = _providers(txn)
        for p in txn.postings:
            ref = acc.scheme_of_spend(p.account)
            if ref is None:
                continue
            provider = providers[0] if len(providers) == 1 else ", ".join(providers) or "(no provider)"
            key = (ref, provider, _fund(p.account))
            by_line[key] = by_line.get(key, 0) + p.pence
    rows = [_row(pool, f"{ref} {schemes.get(ref, '')}".strip(), provider, fund, pence)
            for (ref, provider, fund), pence in sorted(by_line.items())]
    if bal.get(acc.PAID_TO_ACUTE, 0):
        rows.append(_row(pool, "performance sum paid to acute providers", "payment for performance", acc.REVENUE,
                         bal[acc.PAID_TO_ACUTE]))
    return rows


def _capital(pool: str, txns: Sequence[Transaction], bal: Mapping[str, int],
             stream_of_scheme: Mapping[str, str]) -> list[tuple[Cell, ...]]:
    lines: dict[str, dict[str, int]] = {}

    def add(stream: str, item: str, pence: int) -> None:
        lines.setdefault(stream, {})[item] = lines.get(stream, {}).get(item, 0) + pence

    for account, amount in bal.items():
        if _fund(account) != acc.CAPITAL:
            continue
        contribution = acc.contribution_of(account)
        ref = acc.scheme_of_spend(account)
        if contribution is not None:
            add(contribution[1], "received", -amount)
        elif ref is not None:
            add(stream_of_scheme.get(ref, "capital schemes"), "spent", amount)
        elif (s := acc.stream_of(account, "Income:BroughtForward:")) is not None:
            add(s, "brought forward", -amount)
        elif (s := acc.stream_of(account, "Expenses:PassedToDistricts:")) is not None:
            add(s, "passed to district councils", amount)
        elif (s := acc.stream_of(account, "Expenses:CarriedForward:")) is not None:
            add(s, "carried forward", amount)
    passed_to = next((t.narration.partition("passed to ")[2] for t in txns
                      if t.key.startswith("capital:") and "passed to " in t.narration), "")
    rows = []
    for stream in sorted(lines):
        for item in ("brought forward", "received", "spent", "passed to district councils", "carried forward"):
            if item in lines[stream]:
                detail = passed_to if item == "passed to district councils" else ""
                rows.append(_row(pool, f"{stream}: {item}", detail, acc.CAPITAL, lines[stream][item]))
    return rows


def _settlement(pool: str, bal: Mapping[str, int], names: Mapping[str, str]) -> list[tuple[Cell, ...]]:
    year_end = ("Expenses:Settlement:", "Income:Settlement:")
    revenue = {a: v for a, v in bal.items() if _fund(a) == acc.REVENUE and acc.is_income_or_expense(a)}
    before = -sum(v for a, v in revenue.items()
                  if not a.startswith(year_end) and acc.stream_of(a, "Expenses:CarriedForward") is None)
    rows = [_row(pool, "revenue net position before settlement", "underspend positive", acc.REVENUE, before)]
    for account in sorted(a for a in bal if a.startswith(year_end)):
        partner = account.split(":", 2)[2]
        what = "underspend returned to" if account.startswith("Expenses:") else "overspend met by"
        rows.append(_row(pool, f"{what} {names.get(partner, partner)}", partner, acc.REVENUE,
                         bal[account] if account.startswith("Expenses:") else -bal[account]))
    if bal.get(acc.carried_forward(acc.REVENUE)):
        rows.append(_row(pool, "underspend kept in the pool (carried forward)", "risk-share agreement", acc.REVENUE,
                         bal[acc.carried_forward(acc.REVENUE)]))
    return rows


def _carry_forward(pool: str, bal: Mapping[str, int], opening: Sequence[Transaction]) -> list[tuple[Cell, ...]]:
    rows = []
    for account in sorted(a for a in bal if acc.stream_of(a, "Expenses:CarriedForward") is not None):
        stream = acc.stream_of(account, "Expenses:CarriedForward:") or "revenue"
        rows.append(_row(pool, "carried forward", stream, _fund(account), bal[account]))
    for txn in opening:
        pence = -sum(p.pence for p in txn.postings if acc.stream_of(p.account, "Income:BroughtForward") is not None)
        rows.append(_row(pool, f"opens next year's books on {txn.on.isoformat()}", f"journal {txn.key}", "both",
                         pence))
    after = -sum(v for a, v in bal.items() if acc.is_income_or_expense(a))
    rows.append(_row(pool, "check: income less expenditure after the year end", "nil when settled", "both", after))
    return rows


def year_end_statement(transactions: Iterable[Transaction], area: str, year: str, start: date, end: date,
                       names: Mapping[str, str] | None = None, schemes: Mapping[str, tuple[str, str]] | None = None,
                       illustrative: bool = False) -> YearEndStatement:
    """The statement of ``area``'s pools for the year ``start``..``end`` (its opening balances
    included; of later openings only the next year's shown). ``names``: partner code -> name;
    ``schemes``: ref -> (name, stream)."""
    own = [t for t in transactions if t.area == area]
    in_year = [t for t in own if start <= t.on <= end]
    opening_next = [t for t in own if t.kind == Kind.OPENING.value and t.on == end + timedelta(days=1)]
    names = names or {}
    scheme_names = {ref: name for ref, (name, _) in (schemes or {}).items()}
    stream_of_scheme = {ref: stream for ref, (_, stream) in (schemes or {}).items()}
    sections: dict[str, list[tuple[Cell, ...]]] = {k: [] for k in (
        "Income by partner and stream", "Expenditure by scheme and provider", "Capital (a separate fund)",
        "Risk-share settlement (revenue)", "Carried forward")}
    for pool in sorted({t.pool for t in in_year}):
        txns = [t for t in in_year if t.pool == pool]
        bal = {a: v for (_, _, a), v in balances(txns).items()}
        sections["Income by partner and stream"] += _income(pool, bal, names)
        sections["Expenditure by scheme and provider"] += _expenditure(pool, txns, bal, scheme_names)
        sections["Capital (a separate fund)"] += _capital(pool, txns, bal, stream_of_scheme)
        sections["Risk-share settlement (revenue)"] += _settlement(pool, bal, names)
        sections["Carried forward"] += _carry_forward(pool, bal, [t for t in opening_next if t.pool == pool])
    reports = tuple(Report(title, COLUMNS, tuple(rows)) for title, rows in sections.items())
    return YearEndStatement(area, year, reports, illustrative)
