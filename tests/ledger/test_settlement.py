from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import InputError
from carepool.ledger import Books, Payment, RiskShare, balances, post, settle_pool, spend_transactions
from carepool.ledger import accounts as acc
from carepool.ledger.contributions import capital_streams
from carepool.ledger.settlement import net_position
from carepool.plans.model import Plan
from carepool.programme import load_programme

YEAR_END = date(2016, 3, 31)
CAPITAL = capital_streams(load_programme("bcf-2015-16"))


def spend(plan: Plan, ref: str, pence: int, reference: str) -> Payment:
    return Payment(1, plan.area_code, date(2015, 10, 1), ref, "Acme Care", pence, reference)


def test_underspend_is_split_50_50_to_the_penny(plan: Plan, funded: Books) -> None:
    pays = [spend(plan, "S01", 1_000_001, "r1")]
    books = post(funded, spend_transactions(pays, {plan.area_code: plan}, CAPITAL)).books
    la, ccg = plan.area_code, "03L"
    result = settle_pool(plan, "P1", books.transactions, RiskShare("fixed", ((la, 50), (ccg, 50))), YEAR_END)
    revenue = sum(f.amount.pence for f in plan.funding if f.pool == "P1" and f.stream not in CAPITAL)
    expected_net = revenue - 1_000_001          # revenue only: capital is never shared
    assert result.net == expected_net
    parts = dict(result.parts)
    assert parts[la] + parts[ccg] == expected_net and abs(parts[la] - parts[ccg]) <= 1
    settled = post(books, result.transactions).books
    pool = {a: v for (ar, p, a), v in balances(settled.transactions, until=YEAR_END).items() if p == "P1"}
    assert net_position(pool) == 0
    assert -pool[acc.risk_share(la)] == parts[la]


def test_proportional_share_follows_contributions(plan: Plan, funded: Books) -> None:
    result = settle_pool(plan, "P1", funded.transactions, RiskShare("proportional"), YEAR_END)
    parts = dict(result.parts)
    by_partner = {c: sum(f.amount.pence for f in plan.funding
                         if f.contributor == c and f.pool == "P1" and f.stream not in CAPITAL) for c in parts}
    assert parts == by_partner   # nothing spent: each partner gets back exactly what it put in


def test_lead_commissioner_bears_its_schemes_overspend(plan: Plan, funded: Books) -> None:
    scheme = next(s for s in plan.schemes if s.commissioner == "Local Authority" and s.pool == "P1")
    over = scheme.amount.pence + 500_00
    pays = [spend(plan, scheme.ref, over, "big")]
    books = post(funded, spend_transactions(pays, {plan.area_code: plan}, CAPITAL)).books
    before = dict(settle_pool(plan, "P1", funded.transactions, RiskShare("lead_commissioner"), YEAR_END).parts)
    after = settle_pool(plan, "P1", books.transactions, RiskShare("lead_commissioner"), YEAR_END)
    parts = dict(after.parts)
    assert sum(parts.values()) == after.net
    assert parts[plan.area_code] == before[plan.area_code] - over   # the council bears all of it
    assert parts["03L"] == before["03L"]


def test_settling_twice_gives_the_same_transaction(plan: Plan, funded: Books) -> None:
    first = settle_pool(plan, "P1", funded.transactions, RiskShare(), YEAR_END)
    assert first.transaction is not None
    books = post(funded, [first.transaction]).books
    second = settle_pool(plan, "P1", books.transactions, RiskShare(), YEAR_END)
    assert second.transaction == first.transaction
    assert post(books, [second.transaction]).posted == ()


def test_bad_agreements_are_refused() -> None:
    with pytest.raises(InputError):
        RiskShare("half-and-half")
    with pytest.raises(InputError):
        RiskShare("fixed", (("A", 0), ("B", 0)))
