"""Double-entry books of the Section 75 pools, in whole pence.

Immutable transactions (``transactions``) post into ``Books`` only through ``post``, which
validates a whole batch (``validate``) and skips re-runs by idempotency key; periods close
(``periods``); corrections are reversals. ``contributions``, ``spend`` and ``settlement``
build transactions from plans, payments and risk-share agreements; ``statements`` and
``beancount`` read the books.
"""

from carepool.ledger.balances import TrialBalance, TrialBalanceLine, balances, trial_balance
from carepool.ledger.books import Books, PostResult, close, post, raise_for, split_new
from carepool.ledger.contributions import schedule_contributions, scheme_budgets
from carepool.ledger.periods import ClosedPeriod, Period, financial_year, parse_period, quarter, quarter_of
from carepool.ledger.settlement import RiskShare, Settlement, settle_pool
from carepool.ledger.spend import Payment, check_payments, spend_transactions
from carepool.ledger.statements import Report
from carepool.ledger.transactions import Kind, Posting, Transaction, reversal, transaction, transfer
from carepool.ledger.validate import BookView, check_batch

__all__ = [
    "BookView", "Books", "ClosedPeriod", "Kind", "Payment", "Period", "PostResult", "Posting", "Report",
    "RiskShare", "Settlement", "Transaction", "TrialBalance", "TrialBalanceLine", "balances", "check_batch",
    "check_payments", "close", "financial_year", "parse_period", "post", "quarter", "quarter_of", "raise_for",
    "reversal", "schedule_contributions", "scheme_budgets", "settle_pool", "spend_transactions", "split_new",
    "transaction", "transfer", "trial_balance",
]
