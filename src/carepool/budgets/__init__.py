"""Joined-up personal budgets (Integrated Personal Commissioning), whole-budget pooling
scenarios and the Health and Wellbeing Board scorecard.

A person's single budget blends an NHS element and a social care element (less the person's
assessed contribution); agreed who-pays rules fund every plan line exactly once; payments are
ledger-ready instructions, refused beyond the budget without an authorisation; reviews are
immutable versions. Money is whole pence throughout.
"""

from carepool.budgets.budget import build_budget, check_budget
from carepool.budgets.model import Budget, FundedLine, Funder, Person, PlanItem, Route, Share
from carepool.budgets.payments import (
    Authorisation,
    BudgetAccount,
    PaymentInstruction,
    authorise,
    due,
    pay,
    review,
)
from carepool.budgets.spend import Alert, SpendRecord, Thresholds, spend_alerts
from carepool.budgets.versions import BudgetHistory, BudgetVersion, revise, start_history
from carepool.budgets.whopays import RuleKind, RuleSet, WhoPaysRule, check_rules, fund_item

__all__ = [
    "Alert", "Authorisation", "Budget", "BudgetAccount", "BudgetHistory", "BudgetVersion", "FundedLine",
    "Funder", "PaymentInstruction", "Person", "PlanItem", "Route", "RuleKind", "RuleSet", "Share", "SpendRecord",
    "Thresholds", "WhoPaysRule", "authorise", "build_budget", "check_budget", "check_rules", "due", "fund_item",
    "pay", "review", "revise", "spend_alerts", "start_history",
]
