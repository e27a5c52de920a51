"""The chart of accounts of one Section 75 pool, as names relative to the pool.

Every account belongs to exactly one pool (area + pool id) and a transaction never crosses
pools, so each pool's books balance on their own. Names follow Beancount's shape (a root,
then components separated by ':'); the export turns them into valid Beancount names.
Memo accounts live under ``Equity:Memo`` and always move in self-balancing pairs: they
record budgets, the out-of-hospital commitment and tariff paid outside the pool without
touching the pool's money.
"""

from __future__ import annotations

from functools import lru_cache

ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")

FUND = "Assets:Fund"                                   # the pool's bank: contributions in, payments out
HELD_BACK = "Assets:Performance:HeldBack"              # performance sum at risk, not yet earned
RELEASED = "Assets:Performance:Released"               # performance sum earned and released to the pool
OUT_OF_HOSPITAL = "Equity:Memo:OutOfHospital"          # memo: rest of the element committed to NHS out-of-hospital
OUT_OF_HOSPITAL_CONTRA = "Equity:Memo:OutOfHospitalContra"
PAID_TO_ACUTE = "Expenses:Performance:PaidToAcute"     # unearned sum paid to acute providers
TARIFF_OUTSIDE = "Equity:Memo:TariffOutsidePool"       # memo: excess admissions paid at tariff outside the pool
TARIFF_OUTSIDE_CONTRA = "Equity:Memo:TariffOutsidePoolContra"
BUDGET_APPROVED = "Equity:Memo:Budget:Approved"        # memo contra of every scheme budget

MEMO_PREFIX = "Equity:Memo:"


def contribution(partner: str, stream: str) -> str:
    """Income from one partner's funding stream."""
    return f"Income:Contributions:{_component(partner)}:{_component(stream)}"


def scheme_spend(ref: str) -> str:
    return f"Expenses:Schemes:{_component(ref)}"


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
