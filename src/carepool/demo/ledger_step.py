"""Demo step: run the pooled funds' year for every assured plan and reconcile it with the plans.

Contributions, illustrative scheme spend (deterministic for the seed), four quarters of
payment for performance against the areas' actual admissions, and the year-end settlement.
The national totals it returns are read back from the books and asserted to reconcile to the
penny with the plans. Running it twice posts nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from carepool.ledger import accounts as acc
from carepool.ledger.spend import Payment, spend_transactions
from carepool.money import Money, apportion_int
from carepool.performance import sum_at_risk
from carepool.plans.model import Plan
from carepool.programme import load_programme
from carepool.services import ledger as svc
from carepool.services import performance as perf
from carepool.store import ledger_repo
from carepool.store.db import Store

Progress = Callable[[str], None]
AT = datetime(2016, 4, 30, 12, 0, tzinfo=UTC)
ACTOR = "carepool demo"


def illustrative_spend(plan: Plan, seed: int) -> list[Payment]:
    """Each scheme spends 90% to 104% of its budget in twelve monthly payments (illustrative)."""
    start = load_programme(plan.year).start
    payments: list[Payment] = []
    for scheme in plan.schemes:
        rng = random.Random(f"{seed}:{plan.area_code}:{plan.year}:{scheme.ref}")
        spent = scheme.amount.pence * rng.randint(900, 1040) // 1000
        for m, part in enumerate(apportion_int(spent, [1] * 12)):
            if part == 0:
                continue
            month = (start.month - 1 + m) % 12 + 1
            on = date(start.year + (start.month - 1 + m) // 12, month, 15)
            payments.append(Payment(0, plan.area_code, on, scheme.ref, scheme.provider, part,
                                    f"DEMO-{plan.year}-{scheme.ref}-{m + 1:02d}"))
    return payments


def _admissions(plans: Mapping[str, Plan], quarters: tuple[str, ...],
                actual: Mapping[tuple[str, str], int]) -> tuple[dict[tuple[str, str], int], list[str]]:
    """The given admissions; an area without them counts as no change on its baseline quarter."""
    out: dict[tuple[str, str], int] = {}
    missing: set[str] = set()
    for code, plan in plans.items():
        for i, q in enumerate(quarters):
            value = actual.get((code, q))
            if value is None:
                missing.add(code)
                value = plan.ambition.baseline_quarters[i]
            out[(code, q)] = value
    return out, sorted(missing)


def run_demo_step(store: Store, year: str, quarterly_admissions: Mapping[tuple[str, str], int], seed: int,
                  progress: Progress) -> dict[str, Any]:
    """Post, spend, pay for performance, settle; return national totals reconciled with the plans."""
    programme = load_programme(year)
    with store.transaction() as session:
        plans = svc.assured_plans(session, programme.id)
    progress(f"ledger: {len(plans)} assured plans; posting the year's contributions")
    svc.post_contributions(store, programme.id, actor=ACTOR, at=AT)
    payments = [p for plan in plans.values() for p in illustrative_spend(plan, seed)]
    progress(f"ledger: posting {len(payments):,} illustrative scheme payments")
    svc.post_batch(store, spend_transactions(payments, dict(plans)), f"demo spend {programme.id}", actor=ACTOR, at=AT)
    admissions, missing = _admissions(plans, programme.quarters, quarterly_admissions)
    for quarter in programme.quarters:
        run = perf.run_quarter(store, quarter, admissions, actor=ACTOR, at=AT)
        progress(f"ledger: {quarter} performance: released {run.total('released').millions()}, "
                 f"paid to hospitals {run.total('paid_to_acute').millions()}")
    settled = svc.settle(store, programme.id, actor=ACTOR, at=AT)
    progress(f"ledger: settled {len(settled)} pools and closed {programme.id}")
    totals = national_totals(store, plans, programme.id)
    totals["spent_generated_pence"] = sum(p.pence for p in payments)
    totals["areas_without_admissions"] = missing
    _reconcile(totals, plans, programme.id)
    progress("ledger: " + "; ".join(totals["lines"]))
    return totals


def national_totals(store: Store, plans: Mapping[str, Plan], year: str) -> dict[str, Any]:
    """National totals read back from the books of the plans' areas."""
    sums: dict[str, int] = {}
    with store.transaction() as session:
        bal = ledger_repo.account_balances(session)
        tb = ledger_repo.stored_trial_balance(session)
    for (area, _pool, account), value in bal.items():
        if area not in plans:
            continue
        for name, test in _MEASURES:
            if test(account):
                sums[name] = sums.get(name, 0) + value
    pooled = -sums.get("pooled", 0)
    out: dict[str, Any] = {
        "year": year, "areas": len(plans), "pools": len({(a, p) for (a, p, _) in bal if a in plans}),
        "pooled_pence": pooled, "spent_pence": sums.get("spent", 0),
        "performance_held_back_pence": sums.get("held_now", 0) + sums.get("released", 0) + sums.get("acute", 0),
        "performance_released_pence": sums.get("released", 0),
        "performance_paid_to_hospitals_pence": sums.get("acute", 0),
        "performance_paid_via_tariff_pence": sums.get("tariff", 0),
        "out_of_hospital_pence": sums.get("ooh", 0),
        "underspend_returned_pence": sums.get("returned", 0),
        "overspend_met_pence": -sums.get("met", 0),
        "income_less_expenditure_after_settlement_pence": -sums.get("ie", 0),
        "unbalanced_pools": tb.unbalanced_pools(),
    }
    out["lines"] = [
        f"pooled {Money(pooled).millions()}", f"spent on schemes {Money(out['spent_pence']).millions()}",
        f"performance sum held back {Money(out['performance_held_back_pence']).millions()}: released "
        f"{Money(out['performance_released_pence']).millions()}, paid to hospitals "
        f"{Money(out['performance_paid_to_hospitals_pence']).millions()}",
        f"paid through tariff outside the pools {Money(out['performance_paid_via_tariff_pence']).millions()}",
        f"underspend returned {Money(out['underspend_returned_pence']).millions()}, overspend met "
        f"{Money(out['overspend_met_pence']).millions()}",
    ]
    return out


_MEASURES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("pooled", lambda a: a.startswith("Income:Contributions:")),
    ("spent", lambda a: a.startswith("Expenses:Schemes:")),
    ("held_now", lambda a: a == acc.HELD_BACK),
    ("released", lambda a: a == acc.RELEASED),
    ("acute", lambda a: a == acc.PAID_TO_ACUTE),
    ("tariff", lambda a: a == acc.TARIFF_OUTSIDE),
    ("ooh", lambda a: a == acc.OUT_OF_HOSPITAL),
    ("returned", lambda a: a.startswith("Expenses:Settlement:")),
    ("met", lambda a: a.startswith("Income:Settlement:")),
    ("ie", acc.is_income_or_expense),
)


def _reconcile(totals: Mapping[str, Any], plans: Mapping[str, Plan], year: str) -> None:
    """The books must agree with the plans to the penny (assertions: a failure is a bug)."""
    programme = load_programme(year)
    planned_pooled = sum(p.pooled_total.pence for p in plans.values())
    at_risk = sum(sum_at_risk(p, programme, svc.performance_element(programme, p)).pence for p in plans.values())
    assert totals["pooled_pence"] == planned_pooled, "pooled total differs from the plans"
    assert totals["spent_pence"] == totals["spent_generated_pence"], "scheme spend differs from the payments"
    assert totals["performance_held_back_pence"] == at_risk, "held-back sum differs from the plans"
    assert totals["performance_released_pence"] + totals["performance_paid_to_hospitals_pence"] == at_risk
    net = planned_pooled - totals["spent_pence"] - totals["performance_paid_to_hospitals_pence"]
    assert totals["underspend_returned_pence"] - totals["overspend_met_pence"] == net, "settlement is not exact"
    assert totals["income_less_expenditure_after_settlement_pence"] == 0
    assert totals["unbalanced_pools"] == []
