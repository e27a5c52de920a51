"""Payment-for-performance results as ledger transactions in the pool that holds the sum."""

from __future__ import annotations

from carepool.ledger import accounts as acc
from carepool.ledger.periods import quarter
from carepool.ledger.transactions import Kind, Transaction, transaction, transfer
from carepool.money import Money
from carepool.performance.payment import QuarterOutcome, sum_at_risk
from carepool.plans.model import Plan
from carepool.programme.model import ProgrammeYear


def performance_pool(plan: Plan, programme: ProgrammeYear) -> str:
    """The pool receiving most of the performance stream (else most CCG money, else the first)."""
    ccgs = {p.code for p in plan.partners if p.kind == "ccg"}
    for wanted in (lambda s, c: s == programme.performance.stream, lambda s, c: c in ccgs):
        totals: dict[str, int] = {}
        for line in plan.funding:
            if wanted(line.stream, line.contributor):
                totals[line.pool] = totals.get(line.pool, 0) + line.amount.pence
        if totals:
            return max(sorted(totals), key=lambda p: totals[p])
    return plan.pools[0].id


def hold_back_transaction(plan: Plan, programme: ProgrammeYear, element: Money) -> Transaction | None:
    """Move the sum at risk out of the pool fund into the held-back account, at the year's start."""
    amount = sum_at_risk(plan, programme, element)
    if amount.pence <= 0:
        return None
    return transaction(
        f"holdback:{plan.year}:{plan.area_code}", plan.area_code, performance_pool(plan, programme),
        programme.start, Kind.PERFORMANCE.value,
        f"Performance sum held back against planned cuts in emergency admissions ({programme.performance.scheme})",
        transfer(acc.HELD_BACK, acc.FUND, amount.pence))


def quarter_transaction(plan: Plan, programme: ProgrammeYear, outcome: QuarterOutcome,
                        note: str = "") -> Transaction | None:
    """Release, pay acute providers, and record (memo) tariff outside the pool and out-of-hospital spend.

    ``note`` ends the narration, e.g. that the admissions were self-reported (provisional) or verified.
    """
    postings = (transfer(acc.RELEASED, acc.HELD_BACK, outcome.released)
                + transfer(acc.PAID_TO_ACUTE, acc.HELD_BACK, outcome.paid_to_acute)
                + transfer(acc.TARIFF_OUTSIDE, acc.TARIFF_OUTSIDE_CONTRA, outcome.tariff_outside)
                + transfer(acc.OUT_OF_HOSPITAL, acc.OUT_OF_HOSPITAL_CONTRA, outcome.out_of_hospital))
    txn = transaction(
        f"pfp:{plan.year}:{plan.area_code}:{outcome.quarter}", plan.area_code, performance_pool(plan, programme),
        quarter(outcome.quarter).end, Kind.PERFORMANCE.value,
        f"{outcome.quarter}: {outcome.actual} emergency admissions against {outcome.baseline} in the baseline "
        f"quarter ({outcome.avoided} avoided, {outcome.planned_reduction} planned){note}", postings)
    return txn if len(txn.postings) >= 2 else None
