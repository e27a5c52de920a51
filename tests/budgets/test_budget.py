from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.budgets.budget import check_budget
from carepool.budgets.model import Budget, Funder, PlanItem, Share
from carepool.errors import ValidationFailed
from carepool.money import Money
from tests.budgets.conftest import ITEMS, make_budget


def test_elements_blend_nhs_and_social_care(budget: Budget) -> None:
    assert budget.total == Money.pounds("8200.02")
    assert budget.nhs_element == Money.pounds(1200) + Money(50001)
    assert budget.care_element == budget.total - budget.nhs_element
    assert budget.element(Funder.PERSON) == Money.pounds(600) == budget.contribution
    assert check_budget(budget) == []


def test_contribution_comes_only_from_social_care_parts(budget: Budget) -> None:
    nursing = budget.lines[0]
    assert nursing.amount_for(Funder.PERSON) == Money(0)
    for line in budget.lines:
        assert sum(s.amount.pence for s in line.shares) == line.cost.pence


def test_line_without_funder_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_budget((*ITEMS, PlanItem("L4", "Gym", "leisure", Money(5000))))
    assert [f.rule for f in caught.value.findings] == ["budget.line-without-funder"]


def test_contribution_beyond_the_care_part_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_budget(contribution=Money.pounds(99999))
    assert [f.rule for f in caught.value.findings] == ["budget.contribution-too-high"]


def test_check_budget_finds_every_broken_line(budget: Budget) -> None:
    broken = replace(budget, lines=(
        replace(budget.lines[0], shares=()),
        replace(budget.lines[1], shares=(Share(Funder.LA, Money(1)),)),
        budget.lines[1],
    ))
    rules = {f.rule for f in check_budget(broken)}
    assert {"budget.line-without-funder", "budget.shares-mismatch", "budget.duplicate-line",
            "budget.contribution-mismatch"} <= rules


@given(costs=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=6),
       needs=st.lists(st.sampled_from(["nursing", "personal-care", "respite"]), min_size=6, max_size=6),
       pct=st.integers(min_value=0, max_value=100))
def test_budget_conserves_every_penny(costs: list[int], needs: list[str], pct: int) -> None:
    items = tuple(PlanItem(f"L{i}", "x", needs[i], Money(c)) for i, c in enumerate(costs))
    la_part = sum(c for c, n in zip(costs, needs, strict=False) if n == "personal-care") + sum(
        c // 2 for c, n in zip(costs, needs, strict=False) if n == "respite")
    budget = make_budget(items, Money(la_part * pct // 100))
    assert budget.total.pence == sum(costs)
    assert sum(budget.element(f).pence for f in Funder) == sum(costs)
    assert check_budget(budget) == []
