"""The March 2015 target revision rule (issue 12, defect 7): ``min_revision_pp`` was read and never used.

The rule (NHS England, 20 March 2015): no change to the BCF admissions target where it is already
within two percentage points of the CCG operating plan's; a revision moves towards the operating
plan, needs NHS England's approval, and resizes the performance sum.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.target_revision import check_revision
from carepool.programme import load_programme
from carepool.reference import load_reference

Y15, Y16 = load_programme("bcf-2015-16"), load_programme("bcf-2016-17")


def _with_pct(plan: Plan, pct: str) -> Plan:
    reduction = int(plan.ambition.baseline_admissions * Decimal(pct) / 100)
    quarters = [reduction // 4] * 4
    quarters[-1] += reduction - sum(quarters)
    return replace(plan, ambition=replace(plan.ambition, planned_reduction=reduction, planned_quarters=tuple(quarters)))


def _rules(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.rule for f in found]


def test_the_programme_sets_two_percentage_points_for_2015_16() -> None:
    assert Y15.performance.min_revision_pp == Decimal(2)


def test_a_target_within_two_points_of_the_operating_plan_is_not_revised() -> None:
    assured = _with_pct(synthetic_plan("E08000025", Y15, load_reference(), seed=2), "3.5")
    revised = _with_pct(assured, "2.5")
    found = check_revision(assured, revised, Y15, Decimal("2.0"))    # 3.5% is 1.5 points above 2.0%
    assert _rules(found) == ["TARGET-REVISION-WITHIN"]
    assert "within 2 percentage points" in found[0].message


def test_a_target_far_above_the_operating_plan_may_move_towards_it_with_approval() -> None:
    assured = _with_pct(synthetic_plan("E08000025", Y15, load_reference(), seed=2), "5.0")
    found = check_revision(assured, _with_pct(assured, "2.5"), Y15, Decimal("1.0"))   # 4 points above
    assert _rules(found) == ["TARGET-REVISION-APPROVAL"] and found[0].severity.value == "warning"
    beyond = check_revision(assured, _with_pct(assured, "0.5"), Y15, Decimal("1.0"))
    assert _rules(beyond) == ["TARGET-REVISION-DIRECTION"]
    up = check_revision(assured, _with_pct(assured, "6.0"), Y15, Decimal("1.0"))
    assert _rules(up) == ["TARGET-REVISION-DIRECTION"]


def test_no_revision_no_findings_and_no_rule_without_payment_for_performance() -> None:
    assured = _with_pct(synthetic_plan("E08000025", Y15, load_reference(), seed=2), "5.0")
    assert check_revision(assured, assured, Y15, Decimal("4.5")) == []
    plan16 = _with_pct(synthetic_plan("E08000025", Y16, load_reference(), seed=2), "5.0")
    assert check_revision(plan16, _with_pct(plan16, "4.0"), Y16, Decimal("4.5")) == []
