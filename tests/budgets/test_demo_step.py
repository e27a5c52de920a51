from __future__ import annotations

import json
from pathlib import Path

from carepool.services.synthetic_budgets import synthetic_budget_year as run_demo_step


def test_demo_step_summarises_an_illustrative_year(tmp_path: Path) -> None:
    said: list[str] = []
    result = run_demo_step(tmp_path, 3, said.append, areas=("E08000035", "E10000003"), people=80)
    assert result["people"] == 80 and result["illustrative"] is True
    assert set(result["people_by_cohort"]) <= {"older-frailty", "children-complex", "learning-disability",
                                               "serious-mental-illness"}
    assert result["ledger_balanced"] is True and result["ledger_transactions"] > 0
    assert sum(result["budget_by_funder_pence"].values()) == result["budget_total_pence"]
    assert set(result["alerts"]) <= {"overspend", "underspend"}
    saved = json.loads((tmp_path / "budgets" / "summary.json").read_text(encoding="utf-8"))
    assert saved == result
    assert any("illustrative" in s for s in said)


def test_demo_step_with_a_store_loads_the_cohort_into_open_books(tmp_path: Path) -> None:
    from carepool.services import budgets
    from carepool.store.db import open_store

    store = open_store(str(tmp_path / "demo.db"))
    try:
        result = run_demo_step(tmp_path, 3, lambda _m: None, areas=("E08000035",), people=20, store=store)
        assert result["stored"] is True and result["year"] == "bcf-2016-17" and result["ledger_balanced"] is True
        view = budgets.area_budgets(store, "E08000035")
        assert len(view.rows) == 20 and view.as_of.isoformat() == "2017-03-31"
    finally:
        store.dispose()
