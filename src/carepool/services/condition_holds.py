"""The money a pool holds while an assurance condition is open or lapsed (issue 12, defect 2).

The year's programme file names it (``conditions_hold``): the area's share of the performance
element not at risk (which must go to NHS out-of-hospital services), or a stream's whole
contribution. ``hold_batch`` says what the books need now: a hold (fund -> held account) while
any condition is open or lapsed, a release once every condition is met; contributions posting
and every register step call it in their own store transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from carepool.ledger import conditions_hold as holds
from carepool.ledger.transactions import Transaction
from carepool.money import Money
from carepool.performance import performance_pool, sum_at_risk
from carepool.plans.conditions import Condition, ConditionStatus
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear
from carepool.store import ledger_repo

HOLDING = (ConditionStatus.OPEN, ConditionStatus.LAPSED)


def held_amounts(plan: Plan, programme: ProgrammeYear, element: Money) -> dict[str, int]:
    """Pence to hold, by pool, while a condition is open (nothing when the year holds nothing)."""
    rule = programme.conditions_hold
    if rule is None:
        return {}
    if rule.what == "out_of_hospital":
        rest = (element - sum_at_risk(plan, programme, element)).pence
        return {performance_pool(plan, programme): rest} if rest > 0 else {}
    out: dict[str, int] = {}
    for line in plan.funding:
        if line.stream == rule.stream:
            out[line.pool] = out.get(line.pool, 0) + line.amount.pence
    return {pool: pence for pool, pence in out.items() if pence > 0}


def _clamp(day: date, programme: ProgrammeYear) -> date:
    return min(max(day, programme.start), programme.end)


def hold_batch(session: Session, programme: ProgrammeYear, plan: Plan, register: dict[str, Condition],
               element: Money) -> list[Transaction]:
    """What the books need now: a hold while a condition is open or lapsed, a release once all are met."""
    amounts = held_amounts(plan, programme, element)
    if not register or not amounts:
        return []
    blocking = [c for c in register.values() if c.status in HOLDING]
    txns = ledger_repo.transactions(session, area=plan.area_code)
    out: list[Transaction] = []
    for pool, pence in sorted(amounts.items()):
        held, released = holds.hold_state(txns, programme.id, plan.area_code, pool)
        if blocking and held == released:
            first = min(c.history[0].at.date() for c in blocking)
            ids = ", ".join(c.id for c in blocking)
            out.append(holds.hold(programme.id, plan.area_code, pool, held + 1, pence, _clamp(first, programme),
                                  f"{plan.area_code} conditions {ids} open"))
        elif not blocking and held > released:
            amount = holds.held_amount(txns, plan.area_code, pool)
            last = max(c.history[-1].at.date() for c in register.values())
            if amount > 0:
                out.append(holds.release(programme.id, plan.area_code, pool, released + 1, amount,
                                         _clamp(last, programme), f"every condition of {plan.area_code} met"))
    return out
