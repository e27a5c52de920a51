from __future__ import annotations

from carepool.budgets.ledger_adapter import ledger_transactions
from carepool.budgets.model import Budget, Funder
from carepool.budgets.payments import months
from carepool.ledger import Books, balances, post, trial_balance
from carepool.ledger.accounts import FUND
from tests.budgets.test_payments import account_of, pay_months


def test_payments_post_to_the_pool_books_and_balance(budget: Budget) -> None:
    account = pay_months(account_of(budget), months(budget))
    transactions, outside = ledger_transactions(account.paid, pool="P1")
    assert outside and all(i.funder is Funder.PERSON for i in outside)
    result = post(Books(), transactions, "personal budgets")
    assert len(result.posted) == len(transactions) == len(account.paid) - len(outside)
    tb = trial_balance(balances(result.books.transactions))
    assert tb.unbalanced_pools() == []
    fund = balances(result.books.transactions)[("E08000035", "P1", FUND)]
    assert -fund == budget.nhs_element.pence + budget.element(Funder.LA).pence
    again = post(result.books, transactions, "personal budgets")
    assert again.posted == () and len(again.skipped) == len(transactions)
