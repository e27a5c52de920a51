"""The chart of accounts of one Section 75 pool, as names relative to the pool.

Every account belongs to exactly one pool (area + pool id) and a transaction never crosses
pools, so each pool's books balance on their own. Names follow Beancount's shape (a root,
then components separated by ':'); the export turns them into valid Beancount names.
Memo accounts live under ``Equity:Memo`` and always move in self-balancing pairs: they
record budgets, the out-of-hospital commitment and tariff paid outside the pool without
touching the pool's money.

A pool keeps two funds. Revenue accounts have the names above; capital accounts (capital
grants such as the Disabled Facilities Grant, and what they pay for) carry ``Capital`` as
their second component ('Assets:Capital:Fund', 'Income:Capital:Contributions:...'), so every
account says which fund it belongs to and capital never mixes with revenue at year end.
"""

from __future__ import annotations

from functools import lru_cache

ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")

FUND = "Assets:Fund"                                   # the pool's bank: contributions in, payments out
HELD_BACK = "Assets:Performance:HeldBack"              # performance sum at risk, not yet earned
RELEASED = "Assets:Performance:Released"               # performance sum earned and released to the pool
HELD_FOR_CONDITIONS = "Assets:Conditions:Held"         # held while an assurance condition is open (issue 12)
OUT_OF_HOSPITAL = "Equity:Memo:OutOfHospital"          # memo: rest of the element committed to NHS out-of-hospital
OUT_OF_HOSPITAL_CONTRA = "Equity:Memo:OutOfHospitalContra"
PAID_TO_ACUTE = "Expenses:Performance:PaidToAcute"     # unearned sum paid to acute providers
TARIFF_OUTSIDE = "Equity:Memo:TariffOutsidePool"       # memo: excess admissions paid at tariff outside the pool
TARIFF_OUTSIDE_CONTRA = "Equity:Memo:TariffOutsidePoolContra"
BUDGET_APPROVED = "Equity:Memo:Budget:Approved"        # memo contra of every scheme budget

MEMO_PREFIX = "Equity:Memo:"

REVENUE = "revenue"
CAPITAL = "capital"
FUNDS = (REVENUE, CAPITAL)
_CAPITAL = "Capital"


def in_fund(account: str, fund: str) -> str:
    """``account`` (a revenue name) as the same account of ``fund``."""
    if fund not in FUNDS:
        raise ValueError(f"'{fund}' is not a fund (one of: {', '.join(FUNDS)})")
    if fund == REVENUE:
        return account
    head, _, rest = account.partition(":")
    return f"{head}:{_CAPITAL}:{rest}"


def fund_of(account: str) -> str:
    """The fund an account belongs to: capital when its second component is 'Capital'."""
    parts = account.split(":", 2)
    return CAPITAL if len(parts) > 1 and parts[1] == _CAPITAL else REVENUE


def _revenue_name(account: str) -> str:
    if fund_of(account) == REVENUE:
        return account
    head, _, rest = account.partition(":")
    return f"{head}:{rest.partition(':')[2]}"


def fund_cash(fund: str = REVENUE) -> str:
    """The fund's bank: 'Assets:Fund' (revenue) or 'Assets:Capital:Fund'."""
    return in_fund(FUND, fund)


def contribution(partner: str, stream: str, fund: str = REVENUE) -> str:
    """Income from one partner's funding stream (capital grants into the capital fund)."""
    return in_fund(f"Income:Contributions:{_component(partner)}:{_component(stream)}", fund)


def contribution_of(account: str) -> tuple[str, str] | None:
    """(partner, stream) of a contribution account of either fund, else None."""
    name = _revenue_name(account)
    if not name.startswith("Income:Contributions:"):
        return None
    partner, _, stream = name.removeprefix("Income:Contributions:").partition(":")
    return partner, stream


def is_contribution(account: str) -> bool:
    return contribution_of(account) is not None


def scheme_spend(ref: str, fund: str = REVENUE) -> str:
    return in_fund(f"Expenses:Schemes:{_component(ref)}", fund)


def scheme_of_spend(account: str) -> str | None:
    """The scheme ref of a scheme-spend account of either fund, else None."""
    name = _revenue_name(account)
    return name.removeprefix("Expenses:Schemes:") if name.startswith("Expenses:Schemes:") else None


def is_scheme_spend(account: str) -> bool:
    return scheme_of_spend(account) is not None


def _per_stream(account: str, fund: str, stream: str) -> str:
    return in_fund(f"{account}:{_component(stream)}" if stream else account, fund)


def carried_forward(fund: str, stream: str = "") -> str:
    """Year-end expense that moves what stays in the pool into its reserve (capital: by stream)."""
    return _per_stream("Expenses:CarriedForward", fund, stream)


def reserve(fund: str, stream: str = "") -> str:
    """What the pool holds over from one year to the next (credit balance; capital: by stream)."""
    return _per_stream("Equity:Reserves", fund, stream)


def brought_forward(fund: str, stream: str = "") -> str:
    """Next year's opening income: last year's reserve released into the year."""
    return _per_stream("Income:BroughtForward", fund, stream)


def stream_of(account: str, prefix: str) -> str | None:
    """The component after a revenue-named ``prefix`` in an account of either fund."""
    name = _revenue_name(account)
    return name.removeprefix(prefix) if name.startswith(prefix) else None


def passed_to_districts(stream: str) -> str:
    """Capital passed on to district councils (two-tier areas), by stream."""
    return f"Expenses:{_CAPITAL}:PassedToDistricts:{_component(stream)}"


def district_councils(payee: str) -> str:
    """What the pool owes district councils (a district code, or 'DistrictCouncils' when not known)."""
    return f"Liabilities:{_CAPITAL}:Districts:{_component(payee)}"


def scheme_budget(ref: str) -> str:
    """Memo: the scheme's approved budget (debit), against ``BUDGET_APPROVED``."""
    return f"Equity:Memo:Budget:Schemes:{_component(ref)}"


def provider(name: str) -> str:
    """What the pool owes a provider: credited by invoices, debited by payments."""
    return f"Liabilities:Providers:{_component(name)}"


def risk_share(partner: str) -> str:
    """A partner's risk-share reserve: underspend owed back (credit) or overspend due (debit)."""
    return f"Liabilities:RiskShare:{_component(partner)}"


def settlement_expense(partner: str) -> str:
    return f"Expenses:Settlement:{_component(partner)}"


def settlement_income(partner: str) -> str:
    return f"Income:Settlement:{_component(partner)}"


def is_settlement_expense(account: str) -> bool:
    """An underspend returned to a partner at year end."""
    return account.startswith("Expenses:Settlement:")


def is_settlement_income(account: str) -> bool:
    """An overspend met by a partner at year end."""
    return account.startswith("Income:Settlement:")


def is_carried_forward(account: str) -> bool:
    """The year-end move of what stays in the pool into its reserve (either fund)."""
    return stream_of(account, "Expenses:CarriedForward") is not None


def is_brought_forward(account: str) -> bool:
    """Next year's opening income from last year's reserve (either fund)."""
    return stream_of(account, "Income:BroughtForward") is not None


def is_passed_to_districts(account: str) -> bool:
    """Capital passed on to district councils in a two-tier area."""
    return stream_of(account, "Expenses:PassedToDistricts:") is not None


PERSONAL_BUDGETS = "Expenses:PersonalBudgets:"


def personal_budget(funder: str, route: str) -> str:
    """A personal-budget payment out of the pool, by who funds it and how it is paid."""
    return f"{PERSONAL_BUDGETS}{_component(funder)}:{_component(route)}"


def is_personal_budget(account: str) -> bool:
    return account.startswith(PERSONAL_BUDGETS)


def root(account: str) -> str:
    return account.split(":", 1)[0]


def is_memo(account: str) -> bool:
    return account.startswith(MEMO_PREFIX)


def is_pool_money(account: str) -> bool:
    """Assets and liabilities: what the pool holds and owes (its net position)."""
    return root(account) in ("Assets", "Liabilities")


def is_income_or_expense(account: str) -> bool:
    return root(account) in ("Income", "Expenses")


def leaf(account: str, prefix: str) -> str | None:
    """The component after ``prefix`` (e.g. the partner of a contribution account)."""
    if not account.startswith(prefix):
        return None
    return account[len(prefix):].split(":", 1)[0]


def partner_of_contribution(account: str) -> str | None:
    return leaf(account, "Income:Contributions:")


@lru_cache(maxsize=65536)
def name_problems(account: str) -> tuple[str, ...]:
    """Why an account name is malformed (empty when it is fine); cached, as names repeat."""
    parts = account.split(":")
    problems: list[str] = []
    if parts[0] not in ROOTS:
        problems.append(f"'{account}' must start with one of {', '.join(ROOTS)}")
    if len(parts) < 2 or any(not p.strip() for p in parts):
        problems.append(f"'{account}' needs non-empty components after the root")
    return tuple(problems)


def _component(text: str) -> str:
    cleaned = text.replace(":", "-").strip()
    if not cleaned:
        raise ValueError("an account component cannot be empty")
    return cleaned
