"""Spend against budget, and alerts when a person's spend runs over or under plan.

Expected spend to date is the budget pro rata by whole months elapsed. Thresholds are
percentages of that expectation and are configurable (``Thresholds``); underspend is only
flagged after ``min_months`` so a slow first month does not raise an alarm.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from carepool.budgets.model import Budget
from carepool.budgets.payments import month_starts
from carepool.findings import Finding, warning
from carepool.money import Money, total


@dataclass(frozen=True, slots=True)
class SpendRecord:
    """Money spent from the budget on a plan line (from the account or provider statement)."""

    person_id: str
    on: date
    line_ref: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Thresholds:
    over_pct: Decimal = Decimal(10)     # alert when spend exceeds expected by more than this
    under_pct: Decimal = Decimal(25)    # alert when spend falls short of expected by more than this
    min_months: int = 3


class AlertKind(StrEnum):
    OVER = "overspend"
    UNDER = "underspend"


@dataclass(frozen=True, slots=True)
class Alert:
    person_id: str
    area_code: str
    kind: AlertKind
    as_of: date
    expected: Money
    spent: Money

    @property
    def variance_pct(self) -> Decimal:
        if not self.expected:
            return Decimal(0)
        return (Decimal(self.spent.pence - self.expected.pence) * 100 / self.expected.pence).quantize(Decimal("0.1"))

    def as_finding(self) -> Finding:
        return warning(f"budget.{self.kind.value}",
                       f"{self.person_id}: spent {self.spent} by {self.as_of.isoformat()} against {self.expected} "
                       f"expected ({self.variance_pct:+}%)", field=self.person_id)


def expected_to_date(budget: Budget, as_of: date) -> tuple[Money, int]:
    """The budget pro rata for the whole months up to ``as_of``, and how many months that is."""
    return _expected(budget.start, budget.end, budget.total, as_of)


def _expected(start: date, end: date, budget_total: Money, as_of: date) -> tuple[Money, int]:
    all_months = month_starts(start, end)
    done = sum(1 for m in all_months if _month_end(m) <= as_of)
    if not all_months:
        return Money(0), 0
    return Money(budget_total.pence * done // len(all_months)), done


def _month_end(first: date) -> date:
    year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    return date.fromordinal(date(year, month, 1).toordinal() - 1)


def spent_to_date(records: Iterable[SpendRecord], person_id: str, as_of: date) -> Money:
    return total(r.amount for r in records if r.person_id == person_id and r.on <= as_of)


def check_spend(budget: Budget, spent: Money, as_of: date, thresholds: Thresholds = Thresholds()) -> Alert | None:
    return check_spend_of(budget.person_id, budget.area_code, budget.start, budget.end, budget.total, spent, as_of,
                          thresholds)


def check_spend_of(person_id: str, area_code: str, start: date, end: date, budget_total: Money, spent: Money,
                   as_of: date, thresholds: Thresholds = Thresholds()) -> Alert | None:
    """``check_spend`` from a budget's figures alone (its dates and total), as a store summary gives them."""
    expected, done = _expected(start, end, budget_total, as_of)
    if done == 0:
        return None
    if Decimal(spent.pence) * 100 > Decimal(expected.pence) * (100 + thresholds.over_pct):
        return Alert(person_id, area_code, AlertKind.OVER, as_of, expected, spent)
    if done >= thresholds.min_months and (
            Decimal(spent.pence) * 100 < Decimal(expected.pence) * (100 - thresholds.under_pct)):
        return Alert(person_id, area_code, AlertKind.UNDER, as_of, expected, spent)
    return None


def spend_alerts(budgets: Sequence[Budget], records: Sequence[SpendRecord], as_of: date,
                 thresholds: Thresholds = Thresholds()) -> list[Alert]:
    """An alert for every budget whose spend to ``as_of`` is outside the thresholds."""
    by_person: dict[str, int] = {}
    for r in records:
        if r.on <= as_of:
            by_person[r.person_id] = by_person.get(r.person_id, 0) + r.amount.pence
    alerts: list[Alert] = []
    for budget in budgets:
        alert = check_spend(budget, Money(by_person.get(budget.person_id, 0)), as_of, thresholds)
        if alert is not None:
            alerts.append(alert)
    return alerts
