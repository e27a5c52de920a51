"""Demo step: run the pooled funds' year for every assured plan and reconcile it with the plans.

Contributions, illustrative scheme spend (deterministic for the seed), four quarterly returns
per area (their books to date and actual admissions, submitted through the returns service,
which posts each quarter's payment for performance), and the year-end settlement.
The national totals it returns are read back from the books and asserted to reconcile to the
penny with the plans. Running it twice posts nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from carepool.demo.conditions_step import meet_in_year
from carepool.demo.year_end_step import agree_carry_forward, reconcile_hosts
from carepool.ledger import accounts as acc
from carepool.ledger.contributions import capital_streams, schedule_contributions
from carepool.ledger.spend import Payment, spend_transactions
from carepool.ledger.transactions import Transaction
from carepool.money import Money, apportion_int
from carepool.performance import sum_at_risk
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn, quarter_end, quarter_label
from carepool.programme import load_programme
from carepool.services import ledger as svc
from carepool.services import returns as returns_svc
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


def submitted_at(quarter: str) -> datetime:
    """When the demo's areas submit a quarter's return: a month after it ends (illustrative; on time)."""
    return datetime.combine(quarter_end(quarter) + timedelta(days=30), time(12, 0), tzinfo=UTC)


def area_books(plans: Mapping[str, Plan], year: str, payments: list[Payment]) -> dict[str, list[Transaction]]:
    """Each area's contributions and scheme payments as transactions (what its returns report from)."""
    programme = load_programme(year)
    by_area: dict[str, list[Payment]] = {}
    for p in payments:
        by_area.setdefault(p.area, []).append(p)
    return {code: schedule_contributions(plan, programme) + spend_transactions(by_area.get(code, []), {code: plan},
                                                                               capital_streams(programme))
            for code, plan in plans.items()}


def quarterly_returns(plans: Mapping[str, Plan], year: str, quarter: str, admissions: Mapping[tuple[str, str], int],
                      books: Mapping[str, list[Transaction]]) -> list[QuarterlyReturn]:
    """Each area's return for the quarter: its books to the quarter's end, its actual admissions,
    delayed days from the real published series (else a quarter of the plan's baseline), every
    national condition met (illustrative)."""
    programme = load_programme(year)
    delayed = _delayed_days(quarter)
    out: list[QuarterlyReturn] = []
    for code, plan in sorted(plans.items()):
        pools, schemes = returns_svc.finance_from_transactions(plan, books.get(code, []), quarter)
        out.append(QuarterlyReturn(
            code, year, quarter, pools, schemes, admissions[(code, quarter)],
            delayed.get(code, plan.ambition.delayed_days_baseline // 4),
            tuple(ConditionAnswer(c.id, True) for c in programme.conditions),
            f"Illustrative return generated by the demo for {quarter_label(quarter)}.", illustrative=True))
    return out


def _delayed_days(quarter: str) -> dict[str, int]:
    """Delayed transfer of care days in the quarter, per area, from the real published monthly series."""
    from carepool.reference.published_series import delayed_days, financial_quarter
    out: dict[str, int] = {}
    for (area, month), value in delayed_days().values.items():
        if financial_quarter(month) == quarter:
            out[area] = out.get(area, 0) + value
    return out


def submit_returns(store: Store, plans: Mapping[str, Plan], year: str, admissions: Mapping[tuple[str, str], int],
                   payments: list[Payment], progress: Progress) -> None:
    """Every area submits each quarter's return; the returns' admissions drive payment for performance."""
    books = area_books(plans, year, payments)
    for quarter in load_programme(year).quarters:
        batch = quarterly_returns(plans, year, quarter, admissions, books)
        stored, run = returns_svc.submit_quarter(store, batch, actor=ACTOR, at=submitted_at(quarter),
                                                 skip_unchanged=True)
        if run is None:
            progress(f"ledger: {quarter_label(quarter)} returns from {len(batch)} areas already in; nothing posted")
            continue
        progress(f"ledger: {quarter_label(quarter)} returns from {stored} areas; performance: released "
                 f"{run.total('released').millions()}, paid to hospitals {run.total('paid_to_acute').millions()}")


def run_demo_step(store: Store, year: str, quarterly_admissions: Mapping[tuple[str, str], int], seed: int,
                  progress: Progress, out_dir: Path | None = None) -> dict[str, Any]:
    """Post, spend, pay for performance, settle (with carry-forward agreements), reconcile a few
    areas with their host's ledger; return national totals reconciled with the plans."""
    programme = load_programme(year)
    with store.transaction() as session:
        plans = svc.assured_plans(session, programme.id)
    progress(f"ledger: {len(plans)} assured plans; posting the year's contributions")
    svc.post_contributions(store, programme.id, actor=ACTOR, at=AT)
    held = meet_in_year(store, programme.id)   # the conditions register: one area meets its condition in July
    payments = [p for plan in plans.values() for p in illustrative_spend(plan, seed)]
    progress(f"ledger: posting {len(payments):,} illustrative scheme payments")
    svc.post_batch(store, spend_transactions(payments, dict(plans), capital_streams(programme)),
                   f"demo spend {programme.id}", actor=ACTOR, at=AT)
    admissions, missing = _admissions(plans, programme.quarters, quarterly_admissions)
    submit_returns(store, plans, programme.id, admissions, payments, progress)
    kept = agree_carry_forward(store, plans, programme.id)
    settled = svc.settle(store, programme.id, actor=ACTOR, at=AT)
    progress(f"ledger: settled {len(settled)} pools and closed {programme.id}; "
             + ", ".join(f"{code} keeps {pct}% of an underspend" for code, pct in kept.items()))
    totals = national_totals(store, plans, programme.id)
    totals["carry_forward_agreements"] = kept
    totals.update(reconcile_hosts(store, plans, programme.id, out_dir, progress))
    found = {code: diffs for code, diffs in totals["host_differences"].items() if diffs}
    totals["lines"].append(
        f"host ledgers reconciled for {len(totals['host_reconciled_areas'])} areas: "
        f"{len(totals['host_differences']) - len(found)} agree to the penny; "
        + "; ".join(f"{code}: {len(d)} difference found (planted): {d[0]}" for code, d in found.items()))
    totals["spent_generated_pence"] = sum(p.pence for p in payments)
    totals["areas_without_admissions"] = missing
    totals.update(held)
    _reconcile(totals, plans, programme.id)
    _reconcile_held(store, totals, plans, programme.id)
    totals["lines"].append(
        f"conditions: {held['conditions_set']} set at assurance, {held['conditions_met']} met with evidence "
        f"({len(held['conditions_met_in_year'])} in the year, its money released); still open in "
        f"{', '.join(held['conditions_open']) or 'no area'}: {Money(held['conditions_held_pence']).millions()} held")
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
        "capital_pooled_pence": -sums.get("capital_in", 0),
        "capital_spent_pence": sums.get("capital_spent", 0),
        "carried_forward_pence": sums.get("carried", 0),
        "capital_carried_forward_pence": sums.get("capital_carried", 0),
        "capital_to_districts_pence": sums.get("districts", 0),
        "brought_forward_next_year_pence": -sums.get("brought", 0),
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
        f"capital (a separate fund): received {Money(out['capital_pooled_pence']).millions()}, spent "
        f"{Money(out['capital_spent_pence']).millions()}, passed to district councils "
        f"{Money(out['capital_to_districts_pence']).millions()}, carried forward "
        f"{Money(out['capital_carried_forward_pence']).millions()}",
        f"carried forward into {_next_year(year)} (revenue kept in pools and capital) "
        f"{Money(out['carried_forward_pence']).millions()}",
    ]
    return out


_MEASURES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("pooled", acc.is_contribution),
    ("spent", acc.is_scheme_spend),
    ("held_now", lambda a: a == acc.HELD_BACK),
    ("released", lambda a: a == acc.RELEASED),
    ("acute", lambda a: a == acc.PAID_TO_ACUTE),
    ("tariff", lambda a: a == acc.TARIFF_OUTSIDE),
    ("ooh", lambda a: a == acc.OUT_OF_HOSPITAL),
    ("returned", acc.is_settlement_expense),
    ("met", acc.is_settlement_income),
    ("capital_in", lambda a: acc.is_contribution(a) and acc.fund_of(a) == acc.CAPITAL),
    ("capital_spent", lambda a: acc.is_scheme_spend(a) and acc.fund_of(a) == acc.CAPITAL),
    ("carried", acc.is_carried_forward),
    ("capital_carried", lambda a: acc.is_carried_forward(a) and acc.fund_of(a) == acc.CAPITAL),
    ("districts", acc.is_passed_to_districts),
    ("brought", acc.is_brought_forward),
    # the year's income and expenditure: next year's brought-forward income is not this year's
    ("ie", lambda a: acc.is_income_or_expense(a) and not acc.is_brought_forward(a)),
)


def _next_year(year: str) -> str:
    start = load_programme(year).end.year
    return f"{start}-{(start + 1) % 100:02d}"


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
    settled = (totals["underspend_returned_pence"] - totals["overspend_met_pence"] + totals["carried_forward_pence"]
               + totals["capital_to_districts_pence"])
    assert settled == net, "settlement is not exact"
    assert totals["brought_forward_next_year_pence"] == totals["carried_forward_pence"], "carry-forward lost"
    assert totals["income_less_expenditure_after_settlement_pence"] == 0
    assert totals["unbalanced_pools"] == []


def _reconcile_held(store: Store, totals: Mapping[str, Any], plans: Mapping[str, Plan], year: str) -> None:
    """What is held for open conditions is exactly the programme file's amount for each area still open."""
    from carepool.services.condition_holds import held_amounts

    programme = load_programme(year)
    expected = sum(sum(held_amounts(plans[a], programme, svc.performance_element(programme, plans[a])).values())
                   for a in totals["conditions_open"] if a in plans)
    assert totals["conditions_held_pence"] == expected, "money held for open conditions differs from the rule"
