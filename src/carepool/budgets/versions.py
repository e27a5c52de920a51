"""Reviews and changes of a budget as immutable versions: who changed it, when, and why.

A version is never edited; a review appends a new one. The history refuses a change with no
author or reason, for another person, or dated before the version it replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from carepool.budgets.budget import raise_unless_sound
from carepool.budgets.model import Budget
from carepool.errors import ConflictError, InputError


@dataclass(frozen=True, slots=True)
class BudgetVersion:
    number: int          # 1 for the first agreed budget
    budget: Budget
    by: str              # who agreed the change
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class BudgetHistory:
    versions: tuple[BudgetVersion, ...]

    @property
    def current(self) -> BudgetVersion:
        return self.versions[-1]

    @property
    def person_id(self) -> str:
        return self.versions[0].budget.person_id


def start_history(budget: Budget, *, by: str, at: datetime, reason: str = "budget agreed") -> BudgetHistory:
    _require_who_why(by, reason)
    raise_unless_sound(budget)
    return BudgetHistory((BudgetVersion(1, budget, by, at, reason),))


def revise(history: BudgetHistory, budget: Budget, *, by: str, at: datetime, reason: str) -> BudgetHistory:
    """A new history with ``budget`` as the next version; the old versions are kept as they were."""
    _require_who_why(by, reason)
    last = history.current
    if budget.person_id != last.budget.person_id:
        raise ConflictError(f"a review of {last.budget.person_id}'s budget cannot hold {budget.person_id}'s")
    if at < last.at:
        raise ConflictError(f"a review dated {at.isoformat()} is earlier than version {last.number} "
                            f"({last.at.isoformat()})")
    raise_unless_sound(budget)
    return BudgetHistory((*history.versions, BudgetVersion(last.number + 1, budget, by, at, reason)))


def _require_who_why(by: str, reason: str) -> None:
    if not by.strip():
        raise InputError("a budget version needs who agreed it")
    if not reason.strip():
        raise InputError("a budget version needs the reason for it")
