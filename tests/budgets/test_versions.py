from __future__ import annotations

from datetime import datetime

import pytest

from carepool.budgets.model import Budget
from carepool.budgets.versions import revise, start_history
from carepool.errors import ConflictError, InputError
from tests.budgets.conftest import AGREED, make_budget


def test_versions_are_appended_never_edited(budget: Budget) -> None:
    first = start_history(budget, by="panel", at=AGREED)
    second = revise(first, make_budget(contribution=budget.contribution), by="coordinator",
                    at=datetime(2015, 9, 1), reason="annual review")
    assert len(first.versions) == 1 and len(second.versions) == 2
    assert second.versions[0] is first.versions[0]
    assert (second.current.number, second.current.by, second.current.reason) == (2, "coordinator", "annual review")
    with pytest.raises(AttributeError):
        second.current.reason = "changed"  # type: ignore[misc]


def test_a_change_needs_who_and_why(budget: Budget) -> None:
    history = start_history(budget, by="panel", at=AGREED)
    with pytest.raises(InputError, match="who"):
        revise(history, budget, by=" ", at=datetime(2015, 9, 1), reason="x")
    with pytest.raises(InputError, match="reason"):
        revise(history, budget, by="a", at=datetime(2015, 9, 1), reason="")


def test_a_change_cannot_go_back_in_time_or_change_person(budget: Budget) -> None:
    history = start_history(budget, by="panel", at=AGREED)
    with pytest.raises(ConflictError, match="earlier"):
        revise(history, budget, by="a", at=datetime(2015, 1, 1), reason="x")
    with pytest.raises(ConflictError):
        revise(history, make_budget(person="P2"), by="a", at=datetime(2015, 9, 1), reason="x")
