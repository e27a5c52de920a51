from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.budgets.model import Budget, Funder, PlanItem
from carepool.budgets.payments import (
    Authorisation,
    BudgetAccount,
    authorise,
    authorised_payment,
    due,
    months,
    pay,
    recovery_due,
    review,
)
from carepool.budgets.versions import start_history
from carepool.errors import ConflictError, InputError, PermissionDenied
from carepool.money import Money
from tests.budgets.conftest import AGREED, ITEMS, make_budget


def account_of(budget: Budget) -> BudgetAccount:
    return BudgetAccount(start_history(budget, by="panel", at=AGREED))


def pay_months(account: BudgetAccount, months_: list[date]) -> BudgetAccount:
    for month in months_:
        for instruction in due(account, month):
            account = pay(account, instruction)
    return account


def test_a_year_of_instalments_pays_each_element_exactly(budget: Budget) -> None:
    account = pay_months(account_of(budget), months(budget))
    assert len(months(budget)) == 12
    for funder in Funder:
        assert account.paid_by(funder) == budget.element(funder)
    first = due(account_of(budget), date(2015, 4, 1))
    assert {i.funder for i in first} == set(Funder)
    nhs = next(i for i in first if i.funder is Funder.NHS)
    assert nhs.payer == "02V" and nhs.payee == "P1 account" and nhs.key == "pb:P1:2015-04:nhs:v1"


def test_payment_beyond_the_budget_needs_an_authorisation(budget: Budget) -> None:
    account = pay_months(account_of(budget), months(budget))
    extra = replace(due(account_of(budget), date(2015, 4, 1))[0], key="extra-1")
    with pytest.raises(PermissionDenied, match="record an authorisation first"):
        pay(account, extra)
    account = authorise(account, Authorisation("A1", "P1", extra.funder, extra.amount, "head of service",
                                               datetime(2016, 1, 5), "crisis support"))
    paid = pay(account, authorised_payment(account, extra, "A1"))
    assert paid.paid_by(extra.funder) == budget.element(extra.funder) + extra.amount
    with pytest.raises(PermissionDenied):   # the authorisation is used up
        pay(paid, replace(extra, key="extra-2"))


def test_authorisation_must_say_who_and_why(budget: Budget) -> None:
    with pytest.raises(InputError):
        authorise(account_of(budget), Authorisation("A1", "P1", Funder.NHS, Money(100), "", datetime(2016, 1, 5), "x"))
    with pytest.raises(PermissionDenied):
        authorised_payment(account_of(budget), due(account_of(budget), date(2015, 4, 1))[0], "missing")


def test_same_key_is_a_rerun_and_a_clash_is_refused(budget: Budget) -> None:
    account = account_of(budget)
    instruction = due(account, date(2015, 4, 1))[0]
    once = pay(account, instruction)
    assert pay(once, instruction) == once
    with pytest.raises(ConflictError):
        pay(once, replace(instruction, amount=instruction.amount + Money(1)))
    with pytest.raises(InputError):
        pay(account, replace(instruction, key="zero", amount=Money(0)))


def test_review_respreads_what_is_unpaid_and_keeps_history(budget: Budget) -> None:
    account = pay_months(account_of(budget), months(budget)[:6])
    bigger = make_budget((*ITEMS[:2], PlanItem("L3", "Respite weeks", "respite", Money.pounds(3000))))
    account = review(account, bigger, by="care coordinator", at=datetime(2015, 10, 1), reason="more respite")
    account = pay_months(account, months(budget)[6:])
    assert [v.number for v in account.history.versions] == [1, 2]
    assert account.history.versions[0].budget == budget
    for funder in Funder:
        assert account.paid_by(funder) == bigger.element(funder)
    assert {i.budget_version for i in account.paid} == {1, 2}


def test_lowering_a_budget_below_what_was_paid_shows_a_recovery(budget: Budget) -> None:
    account = pay_months(account_of(budget), months(budget)[:11])
    smaller = make_budget(ITEMS[:1], Money(0))
    account = review(account, smaller, by="panel", at=datetime(2016, 3, 1), reason="moved to residential care")
    recovery = recovery_due(account)
    assert recovery[Funder.LA] == account.paid_by(Funder.LA)
    assert recovery[Funder.NHS] == account.paid_by(Funder.NHS) - smaller.nhs_element > Money(0)
    assert due(account, date(2016, 3, 1)) == []   # every funder is already overpaid: nothing more is paid


@settings(max_examples=40, deadline=None)
@given(reviews=st.lists(st.tuples(st.integers(min_value=2, max_value=12), st.integers(min_value=0, max_value=300)),
                        max_size=4),
       contribution_pct=st.integers(min_value=0, max_value=100))
def test_any_sequence_of_payments_and_reviews_conserves_money(reviews: list[tuple[int, int]],
                                                               contribution_pct: int) -> None:
    budget = make_budget(contribution=Money(600001 * contribution_pct // 100))
    account = account_of(budget)
    at_review = dict(sorted(reviews))
    for n, month in enumerate(months(budget), start=1):
        if n in at_review:
            scale = at_review[n]
            items = tuple(PlanItem(i.ref, i.description, i.need, Money(i.cost.pence * scale // 100)) for i in ITEMS)
            la_part = items[1].cost.pence + items[2].cost.pence // 2
            new = make_budget(items, Money(min(budget.contribution.pence, la_part)))
            account = review(account, new, by="panel", at=datetime(month.year, month.month, 1), reason=f"x{scale}")
        for instruction in due(account, month):
            account = pay(account, instruction)
    final = account.budget
    recovery = recovery_due(account)
    for funder in Funder:
        # every penny paid is either the final element or an overpayment to recover
        assert account.paid_by(funder) == final.element(funder) + recovery.get(funder, Money(0))
    assert sum(p.amount.pence for p in account.paid) == sum(account.paid_by(f).pence for f in Funder)
    assert len({p.key for p in account.paid}) == len(account.paid)
