"""The demo's ledger step: a whole year for every assured plan, reconciled exactly, idempotent."""

from __future__ import annotations

from carepool.demo.ledger_step import illustrative_spend, run_demo_step
from carepool.store.db import Store
from tests.ledger.helpers import assured_store


def test_demo_year_reconciles_with_the_plans_and_reruns_change_nothing(store: Store) -> None:
    plans = assured_store(store)
    quarters = ("2015Q1", "2015Q2", "2015Q3", "2015Q4")
    actual = {("E08000018", q): plans["E08000018"].ambition.baseline_quarters[i] - 150 + 100 * i
              for i, q in enumerate(quarters)}
    messages: list[str] = []
    first = run_demo_step(store, "bcf-2015-16", actual, 7, messages.append)
    assert first["pooled_pence"] == sum(p.pooled_total.pence for p in plans.values())
    assert first["performance_held_back_pence"] == sum(p.ambition.performance_sum.pence for p in plans.values())
    assert first["performance_released_pence"] > 0 and first["performance_paid_to_hospitals_pence"] > 0
    assert first["performance_paid_via_tariff_pence"] > 0    # later quarters exceed the baseline
    assert first["areas_without_admissions"] == ["E06000001"]
    assert first["spent_pence"] == sum(p.pence for plan in plans.values() for p in illustrative_spend(plan, 7))
    assert any("settled 4 pools" in m for m in messages)
    # carry-forward: both areas keep part of an underspend; it opens 2016-17 to the penny
    assert first["carry_forward_agreements"] == {"E06000001": 25, "E08000018": 50}
    assert first["carried_forward_pence"] > 0
    assert first["brought_forward_next_year_pence"] == first["carried_forward_pence"]
    assert first["capital_carried_forward_pence"] + first["capital_to_districts_pence"] \
        == first["capital_pooled_pence"] - first["capital_spent_pence"]
    # host ledgers: the first area agrees, the last shows the planted difference, found and explained
    assert first["host_reconciled_areas"] == ["E06000001", "E08000018"]
    assert first["host_differences"]["E06000001"] == []
    (planted,) = first["host_differences"]["E08000018"]
    assert planted.startswith("2016-03 P1 scheme S01: host") and "difference £12,480.00" in planted
    assert any("host row" in m and "planted by the demo" in m for m in messages)
    again = run_demo_step(store, "bcf-2015-16", actual, 7, messages.append)
    assert {k: v for k, v in again.items() if k != "lines"} == {k: v for k, v in first.items() if k != "lines"}
