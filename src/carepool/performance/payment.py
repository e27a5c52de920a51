"""The quarter-by-quarter rules: what is released, what pays hospitals, what goes outside.

2015-16 (payment for performance): the sum held back is the plan's performance sum, put at
risk quarter by quarter in proportion to the plan's own planned reductions (the programme's
shares only where the plan gives no profile). Each quarter the area's actual emergency
admissions are compared with the same quarter of the baseline year. The earned part of the
quarter's planned share (admissions avoided x cost
per admission, capped at that share) is released to the pool; the unearned part pays the
acute providers for the admissions that were not avoided; when the cost of the excess is
more than that, the rest is paid through the tariff outside the pool (recorded as a memo).
The area's share of the national performance element that is not held back goes to NHS
out-of-hospital services, quarter by quarter.

2016-17 (local risk share): no national payment for performance; the area holds a
contingency sized the same way from its plan (planned admissions avoided x cost, capped at
its share of the element) and releases it by the same quarterly test.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.errors import InputError
from carepool.money import Money, apportion_int
from carepool.plans.model import Plan
from carepool.programme.model import ProgrammeYear


@dataclass(frozen=True, slots=True)
class QuarterOutcome:
    area: str
    quarter: str
    baseline: int            # admissions in the same quarter of the baseline year
    actual: int
    planned_reduction: int   # admissions the plan meant to avoid this quarter
    avoided: int             # baseline - actual, never below zero
    share: int               # pence: this quarter's planned share of the sum held back
    released: int            # pence: earned, released to the pool
    paid_to_acute: int       # pence: unearned, pays acute providers
    tariff_outside: int      # pence: excess beyond the held-back share, paid outside the pool (memo)
    out_of_hospital: int     # pence: this quarter's part of the rest of the element

    @property
    def excess_admissions(self) -> int:
        return max(self.actual - (self.baseline - self.planned_reduction), 0)


def sum_at_risk(plan: Plan, programme: ProgrammeYear, element: Money) -> Money:
    """The amount held back: the plan's performance sum (2015-16) or its contingency (2016-17)."""
    rules = programme.performance
    if rules.scheme == "payment_for_performance":
        return plan.ambition.performance_sum
    if rules.scheme == "local_risk_share":
        if plan.ambition.performance_sum.pence > 0:
            return plan.ambition.performance_sum
        amount = rules.cost_per_admission * max(plan.ambition.planned_reduction, 0)
        return element if rules.cap_at_area_share and amount > element else amount
    return Money(0)


def quarter_index(programme: ProgrammeYear, quarter: str) -> int:
    if quarter not in programme.quarters:
        raise InputError(f"'{quarter}' is not a quarter of {programme.id} ({', '.join(programme.quarters)})")
    return programme.quarters.index(quarter)


def quarter_shares(programme: ProgrammeYear, amount: Money) -> list[int]:
    """``amount`` split over the year's quarters by the programme's quarter shares (exact)."""
    return apportion_int(amount.pence, list(programme.performance.quarter_shares))


def plan_quarter_shares(plan: Plan, programme: ProgrammeYear, amount: Money) -> list[int]:
    """``amount`` split by the plan's own planned reductions by quarter (largest remainder, exact).

    A plan profiled 10/10/40/40 puts 10% of its sum at risk in each of the first two quarters;
    the programme's fixed shares apply only where the plan gives no profile (issue 12, defect 4).
    """
    planned = [max(q, 0) for q in plan.ambition.planned_quarters]
    if len(planned) != len(programme.quarters) or sum(planned) <= 0:
        return quarter_shares(programme, amount)
    return apportion_int(amount.pence, planned)


def out_of_hospital_parts(plan: Plan, programme: ProgrammeYear, element: Money) -> list[int]:
    """The rest of the area's element (not held back), by quarter; zero if the year has no such rule."""
    rest = element - sum_at_risk(plan, programme, element)
    if not programme.performance.out_of_hospital_minimum or rest.pence <= 0:
        return [0] * len(programme.quarters)
    return quarter_shares(programme, rest)


def assess_quarter(
    plan: Plan, programme: ProgrammeYear, element: Money, quarter: str, actual: int,
) -> QuarterOutcome:
    """Apply the year's rules to one quarter of one area (all amounts in pence)."""
    if actual < 0:
        raise InputError(f"{plan.area_code} {quarter}: admissions cannot be negative ({actual})")
    i = quarter_index(programme, quarter)
    cost = programme.performance.cost_per_admission.pence
    baseline = plan.ambition.baseline_quarters[i]
    planned = plan.ambition.planned_quarters[i]
    share = plan_quarter_shares(plan, programme, sum_at_risk(plan, programme, element))[i]
    avoided = max(baseline - actual, 0)
    released = min(avoided * cost, share)
    paid_to_acute = share - released
    excess_cost = max(actual - (baseline - planned), 0) * cost
    tariff = max(excess_cost - paid_to_acute, 0)
    return QuarterOutcome(
        area=plan.area_code, quarter=quarter, baseline=baseline, actual=actual, planned_reduction=planned,
        avoided=avoided, share=share, released=released, paid_to_acute=paid_to_acute,
        tariff_outside=tariff, out_of_hospital=out_of_hospital_parts(plan, programme, element)[i],
    )
