"""Defect 8: year end keeps capital and revenue apart (risk share on revenue only; DFG to districts)."""

from __future__ import annotations

from datetime import date

from carepool.ledger import Books, Payment, RiskShare, post, settle_pool, spend_transactions
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear

YEAR_END = date(2016, 3, 31)
CCG = "03L"


def capital_ids(programme: ProgrammeYear) -> set[str]:
    return {s.id for s in programme.streams if s.kind == "capital"}


def revenue_spent_exactly(plan: Plan, programme: ProgrammeYear, pool: str) -> list[Payment]:
    """Every revenue scheme paid its budget, the revenue left over paid too; capital schemes unpaid."""
    capital = capital_ids(programme)
    revenue = [s for s in plan.schemes if s.pool == pool and s.source not in capital]
    income = sum(f.amount.pence for f in plan.funding if f.pool == pool and f.stream not in capital)
    payments = [Payment(1, plan.area_code, date(2015, 10, 1), s.ref, s.provider, s.amount.pence, f"pay-{s.ref}")
                for s in revenue]
    rest = income - sum(s.amount.pence for s in revenue)
    if rest:
        payments.append(Payment(2, plan.area_code, date(2015, 11, 1), revenue[0].ref, revenue[0].provider, rest,
                                "pay-rest"))
    return payments


def test_a_ccg_receives_no_unspent_dfg(plan: Plan, programme: ProgrammeYear, funded: Books) -> None:
    """Reproduction: revenue spent to the penny, DFG and capital grant unspent, a 50/50 risk share.
    Before the fix the unspent capital was netted with revenue and the CCG got half of it."""
    unspent_capital = sum(f.amount.pence for f in plan.funding if f.pool == "P1" and f.stream in capital_ids(programme))
    assert unspent_capital > 0
    books = post(funded, spend_transactions(revenue_spent_exactly(plan, programme, "P1"),
                                            {plan.area_code: plan})).books
    result = settle_pool(plan, "P1", books.transactions, RiskShare("fixed", ((plan.area_code, 50), (CCG, 50))),
                         YEAR_END)
    parts = dict(result.parts)
    assert parts.get(CCG, 0) == 0, f"the CCG was given {parts.get(CCG)} pence of unspent capital"
    assert parts.get(plan.area_code, 0) == 0
