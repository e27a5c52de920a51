"""The ledger and performance use cases end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from carepool.errors import ConflictError, ValidationFailed
from carepool.ledger import accounts as acc
from carepool.ledger import balances, transaction, transfer
from carepool.ledger.settlement import RiskShare
from carepool.money import Money
from carepool.services import ledger as svc
from carepool.services import ledger_statements as statements_svc
from carepool.services import performance as perf
from carepool.store import ledger_repo
from carepool.store.db import Store
from tests.ledger.helpers import assured_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"
BEAN_CHECK = Path(sys.executable).with_name("bean-check")
YEAR = "bcf-2015-16"


def test_a_whole_year_posts_once_reconciles_and_closes(store: Store, tmp_path: Path) -> None:
    plans = assured_store(store)
    first = svc.post_contributions(store, YEAR)
    assert first.amount == Money(sum(p.pooled_total.pence for p in plans.values()))
    again = svc.post_contributions(store, YEAR)
    assert (again.posted, again.skipped) == (0, first.posted)

    spend = svc.import_spend(store, FIXTURES / "payments_good.csv")
    assert spend.posted == 4 and svc.import_spend(store, FIXTURES / "payments_good.csv").posted == 0

    runs = []
    for i, quarter in enumerate(("2015Q1", "2015Q2", "2015Q3", "2015Q4")):
        admissions = {(a, quarter): p.ambition.baseline_quarters[i] - 120 * (i - 1) for a, p in plans.items()}
        runs.append(perf.run_quarter(store, quarter, admissions))
    assert perf.run_quarter(store, "2015Q1", {(a, "2015Q1"): plans[a].ambition.baseline_quarters[0] + 120
                                              for a in plans}).posted == 0   # a re-run posts nothing
    released = sum(r.total("released").pence for r in runs)
    to_acute = sum(r.total("paid_to_acute").pence for r in runs)
    assert released + to_acute == sum(p.ambition.performance_sum.pence for p in plans.values())

    svc.set_risk_share(store, "E08000018", YEAR, "P1", RiskShare("fixed", (("E08000018", 1), ("03L", 1))))
    settlements = svc.settle(store, YEAR)
    assert all(sum(v for _, v in s.parts) == s.net for s in settlements)
    tb = svc.trial_balance(store)
    assert tb.unbalanced_pools() == []
    with store.transaction() as session:
        bal = ledger_repo.account_balances(session)
        assert ledger_repo.balance_drift(session) == []
    pooled = -sum(v for (_, _, a), v in bal.items() if acc.is_contribution(a))
    assert pooled == sum(p.pooled_total.pence for p in plans.values())
    in_year = balances(svc.area_transactions(store), until=date(2016, 3, 31))
    assert sum(v for (_, _, a), v in in_year.items() if acc.is_income_or_expense(a)) == 0   # settled to zero
    assert bal[("E08000018", "P1", acc.RELEASED)] + bal[("E08000018", "P1", acc.PAID_TO_ACUTE)] \
        == plans["E08000018"].ambition.performance_sum.pence

    late = transaction("late", "E08000018", "P1", date(2016, 1, 5), "adjustment", "late",
                       transfer(acc.FUND, acc.contribution("03L", "ccg-additional"), 100))
    with pytest.raises(ConflictError, match="closed"):
        svc.post_batch(store, [late], "late")
    assert svc.settle(store, YEAR) == []   # already settled and closed

    reports = statements_svc.area_statements(store, "E08000018")
    assert [r.title.split(":")[0] for r in reports] == ["Pool statement", "Scheme statement",
                                                       "Quarterly return, income and expenditure"]
    assert ("P1", "performance", "released to the pool",
            Money(bal[("E08000018", "P1", acc.RELEASED)])) in reports[0].rows

    out = tmp_path / "books.beancount"
    assert statements_svc.export_beancount(store, out) > 0
    checked = subprocess.run([str(BEAN_CHECK), str(out)], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_year_end_in_a_two_tier_county_sends_unspent_dfg_to_the_districts(store: Store) -> None:
    """Defect 8 through the use case: Surrey (a county with eleven districts), nothing spent, the
    agreement keeps 40% of a revenue underspend. No CCG gets capital; re-running posts nothing."""
    plans = assured_store(store, ("E10000030",))
    plan = plans["E10000030"]
    svc.post_contributions(store, YEAR)
    svc.set_risk_share(store, "E10000030", YEAR, "P1", RiskShare("proportional", carry_forward_pct=40))
    with store.transaction() as session:
        assert ledger_repo.risk_share(session, "E10000030", YEAR, "P1") == RiskShare("proportional", (), 40)
    settled = {s.pool: s for s in svc.settle(store, YEAR)}
    p1 = settled["P1"]
    dfg = sum(f.amount.pence for f in plan.funding if f.pool == "P1" and f.stream == "la-dfg")
    assert {c.stream: c.to_districts for c in p1.capital}["la-dfg"] == dfg > 0
    ccgs = {p.code for p in plan.partners if p.kind == "ccg"}
    revenue_by_ccg = {c: sum(f.amount.pence for f in plan.funding if f.contributor == c and f.pool == "P1")
                      for c in ccgs}
    assert p1.retained == p1.net * 40 // 100 and sum(v for _, v in p1.parts) + p1.retained == p1.net
    assert ccgs & {ccg for ccg, _ in p1.parts}, "a CCG of the plan gets a part back"
    for ccg, part in p1.parts:
        if ccg in ccgs:
            assert part <= revenue_by_ccg[ccg]     # never more than the CCG's own revenue back
    txns = svc.area_transactions(store, "E10000030")
    capital = next(t for t in txns if t.key == f"capital:{YEAR}:E10000030:P1")
    assert "E07000207" in capital.narration and "E07000217" in capital.narration
    opening = next(t for t in txns if t.key == "open:2016-17:E10000030:P1")
    assert opening.on == date(2016, 4, 1)
    assert {p.account: p.pence for p in opening.postings}[acc.brought_forward(acc.REVENUE)] == -p1.retained
    assert svc.settle(store, YEAR) == []     # closed: a re-run posts nothing
    assert len(svc.area_transactions(store, "E10000030")) == len(txns)


def test_bad_payment_files_post_nothing_and_say_where(store: Store) -> None:
    assured_store(store)
    for name, expected in (("payments_bad.csv", {(3, "date"), (4, "provider")}),
                           ("payments_unknown_scheme.csv", {(3, "scheme"), (4, "date")})):
        with pytest.raises(ValidationFailed) as caught:
            svc.import_spend(store, FIXTURES / name)
        assert expected <= {(f.location.row, f.location.field) for f in caught.value.findings}
    assert svc.area_transactions(store) == []


def test_bad_or_missing_admissions_post_nothing(store: Store) -> None:
    plans = assured_store(store)
    with pytest.raises(ValidationFailed) as caught:
        perf.admissions_from_file(FIXTURES / "admissions_bad.csv")
    assert {(f.location.row, f.location.field) for f in caught.value.findings} == {
        (3, "admissions"), (4, "area_code"), (4, "quarter")}
    with pytest.raises(ValidationFailed, match="without admissions"):
        perf.run_quarter(store, "2015Q1", {("E08000018", "2015Q1"): 6_000})
    assert svc.area_transactions(store) == []
    assert len(plans) == 2
