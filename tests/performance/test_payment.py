"""The 2015-16 quarterly rules, and the 2016-17 local risk share, worked through by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from carepool.errors import InputError
from carepool.ledger import Books, balances, post
from carepool.ledger import accounts as acc
from carepool.money import Money
from carepool.performance import assess_quarter, hold_back_transaction, quarter_transaction, sum_at_risk
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import load_reference

COST = 1_490_00


def test_quarter_shares_add_up_to_the_performance_sum_in_the_plans_proportions(
        plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    shares = [assess_quarter(plan, programme, element, q, 0).share for q in programme.quarters]
    assert sum(shares) == plan.ambition.performance_sum.pence
    planned, whole = plan.ambition.planned_quarters, plan.ambition.performance_sum.pence
    assert all(abs(share * sum(planned) - whole * p) < sum(planned) for share, p in zip(shares, planned, strict=True))


def test_meeting_the_plan_releases_the_whole_share(plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    baseline, planned = plan.ambition.baseline_quarters[0], plan.ambition.planned_quarters[0]
    out = assess_quarter(plan, programme, element, "2015Q1", baseline - planned - 50)
    assert out.released == out.share and out.paid_to_acute == 0 and out.tariff_outside == 0


def test_partial_success_releases_avoided_times_cost_and_pays_hospitals_the_rest(
        plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    baseline = plan.ambition.baseline_quarters[1]
    out = assess_quarter(plan, programme, element, "2015Q2", baseline - 100)
    assert out.avoided == 100
    assert out.released == 100 * COST
    assert out.paid_to_acute == out.share - 100 * COST
    excess = (plan.ambition.planned_quarters[1] - 100) * COST
    assert out.tariff_outside == max(excess - out.paid_to_acute, 0)


def test_more_admissions_than_baseline_release_nothing_and_overflow_to_tariff(
        plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    baseline, planned = plan.ambition.baseline_quarters[2], plan.ambition.planned_quarters[2]
    out = assess_quarter(plan, programme, element, "2015Q3", baseline + 40)
    assert out.released == 0 and out.paid_to_acute == out.share
    assert out.excess_admissions == planned + 40
    assert out.tariff_outside == (planned + 40) * COST - out.share


def test_the_rest_of_the_element_goes_to_out_of_hospital(plan: Plan, programme: ProgrammeYear,
                                                         element: Money) -> None:
    parts = [assess_quarter(plan, programme, element, q, 1).out_of_hospital for q in programme.quarters]
    assert sum(parts) == element.pence - plan.ambition.performance_sum.pence


def test_postings_conserve_the_held_back_sum(plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    hold = hold_back_transaction(plan, programme, element)
    assert hold is not None
    outcomes = [assess_quarter(plan, programme, element, q, a) for q, a in
                zip(programme.quarters, (1, plan.ambition.baseline_quarters[1] - 5, 10**6, 7_000), strict=True)]
    txns = [hold] + [t for o in outcomes if (t := quarter_transaction(plan, programme, o)) is not None]
    books = post(Books(), txns).books
    bal = {a: v for (_, _, a), v in balances(books.transactions).items()}
    assert bal.get(acc.HELD_BACK, 0) == 0
    assert bal[acc.RELEASED] + bal[acc.PAID_TO_ACUTE] == plan.ambition.performance_sum.pence
    assert bal[acc.RELEASED] == sum(o.released for o in outcomes)
    assert bal[acc.TARIFF_OUTSIDE] == sum(o.tariff_outside for o in outcomes)


def test_bad_quarters_and_counts_are_refused(plan: Plan, programme: ProgrammeYear, element: Money) -> None:
    with pytest.raises(InputError, match="not a quarter"):
        assess_quarter(plan, programme, element, "2016Q1", 10)
    with pytest.raises(InputError, match="negative"):
        assess_quarter(plan, programme, element, "2015Q1", -1)


def test_2016_17_holds_a_local_risk_share_contingency() -> None:
    year = load_programme("bcf-2016-17")
    plan = synthetic_plan("E08000018", year, load_reference(), seed=3)
    assert plan.ambition.performance_sum == Money(0)
    big = Money(10**12)
    assert sum_at_risk(plan, year, big) == Money(plan.ambition.planned_reduction * COST)
    assert sum_at_risk(plan, year, Money(5)) == Money(5)   # capped at the area's share
    out = assess_quarter(plan, year, big, "2016Q1", plan.ambition.baseline_quarters[0])
    assert out.released == 0 and out.paid_to_acute == out.share > 0


def test_payment_for_performance_uses_the_plans_performance_sum(plan: Plan, programme: ProgrammeYear) -> None:
    resized = replace(plan, ambition=replace(plan.ambition, performance_sum=Money(400_000_00)))
    assert sum_at_risk(resized, programme, Money(10**12)) == Money(400_000_00)


def _profiled(area: str, programme: ProgrammeYear, percents: tuple[int, ...]) -> Plan:
    """A plan whose planned reductions by quarter follow ``percents`` of the year's, sum = reduction x cost."""
    base = synthetic_plan(area, programme, load_reference(), seed=11)
    reduction = base.ambition.planned_reduction
    quarters = tuple(reduction * p // 100 for p in percents)
    quarters = (*quarters[:-1], reduction - sum(quarters[:-1]))
    ambition = replace(base.ambition, planned_quarters=quarters,
                       performance_sum=programme.performance.cost_per_admission * reduction)
    return replace(base, ambition=ambition)


def test_quarter_shares_follow_the_plans_own_profile_and_on_plan_releases_everything(
        programme: ProgrammeYear) -> None:
    """Issue 12 defect 4: Birmingham profiled 10/10/40/40 and exactly on plan released GBP 4.22m of
    GBP 6.03m, because each quarter's share was a fixed quarter of the sum."""
    plan = _profiled("E08000025", programme, (10, 10, 40, 40))
    element = Money(plan.ambition.performance_sum.pence * 2)
    outcomes = [assess_quarter(plan, programme, element, q, b - p) for q, b, p in zip(
        programme.quarters, plan.ambition.baseline_quarters, plan.ambition.planned_quarters, strict=True)]
    assert len(outcomes) == 4
    assert sum(o.share for o in outcomes) == plan.ambition.performance_sum.pence
    assert sum(o.released for o in outcomes) == plan.ambition.performance_sum.pence
    assert sum(o.paid_to_acute for o in outcomes) == 0
    cost = programme.performance.cost_per_admission.pence
    assert [o.share for o in outcomes] == [p * cost for p in plan.ambition.planned_quarters]


def test_shares_are_exact_to_the_penny_by_largest_remainder(programme: ProgrammeYear) -> None:
    plan = _profiled("E08000025", programme, (10, 10, 40, 40))
    odd = replace(plan, ambition=replace(plan.ambition, performance_sum=Money(1_000_001),
                                         planned_quarters=(1, 1, 1, 0)))
    shares = [assess_quarter(odd, programme, Money(2_000_000), q, 0).share for q in programme.quarters]
    assert shares == [333_334, 333_334, 333_333, 0]


def test_a_plan_without_a_profile_uses_the_programme_shares(programme: ProgrammeYear) -> None:
    plan = _profiled("E08000025", programme, (10, 10, 40, 40))
    flat = replace(plan, ambition=replace(plan.ambition, planned_quarters=(0, 0, 0, 0),
                                          performance_sum=Money(1_000_003)))
    shares = [assess_quarter(flat, programme, Money(2_000_000), q, 0).share for q in programme.quarters]
    assert shares == [250_001, 250_001, 250_001, 250_000]
