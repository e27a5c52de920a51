"""A year of personal budgets for a set of people: who they are, their accounts, what they spent.

One type for every source: ``budgets.synthetic`` makes one from a seed, ``budgets.records``
reads one back from its CSV files, and the budgets service stores one. ``illustrative`` says
whether the figures are made up (the synthetic ones always are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carepool.budgets.model import Budget, Person
from carepool.budgets.payments import BudgetAccount, PaymentInstruction
from carepool.budgets.spend import SpendRecord


@dataclass(frozen=True)
class Dataset:
    """People, each one's budget account at year end, and their spend records over the year."""

    seed: int
    areas: tuple[str, ...]
    people: tuple[Person, ...]
    accounts: dict[str, BudgetAccount]     # person id -> account at year end
    spend: tuple[SpendRecord, ...]
    year_start: date
    year_end: date
    illustrative: bool = True

    @property
    def budgets(self) -> list[Budget]:
        return [a.budget for a in self.accounts.values()]

    @property
    def payments(self) -> list[PaymentInstruction]:
        return [p for a in self.accounts.values() for p in a.paid]
