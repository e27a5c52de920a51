"""The public surface of the ledger and performance packages is pinned: a change is deliberate."""

from __future__ import annotations

import carepool.ledger as ledger
import carepool.performance as performance


def test_ledger_exports() -> None:
    assert sorted(ledger.__all__) == sorted([
        "BookView", "Books", "ClosedPeriod", "Kind", "Payment", "Period", "PostResult", "Posting", "Report",
        "RiskShare", "Settlement", "Transaction", "TrialBalance", "TrialBalanceLine", "balances", "check_batch",
        "check_payments", "close", "financial_year", "parse_period", "post", "quarter", "quarter_of", "raise_for",
        "reversal", "schedule_contributions", "scheme_budgets", "settle_pool", "spend_transactions", "split_new",
        "transaction", "transfer", "trial_balance"])
    assert all(hasattr(ledger, name) for name in ledger.__all__)


def test_performance_exports() -> None:
    assert sorted(performance.__all__) == sorted([
        "Admissions", "QuarterOutcome", "assess_quarter", "hold_back_transaction", "out_of_hospital_parts",
        "parse_admissions", "performance_pool", "plan_quarter_shares", "quarter_shares", "quarter_transaction",
        "sum_at_risk"])
    assert all(hasattr(performance, name) for name in performance.__all__)
