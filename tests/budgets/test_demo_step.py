from __future__ import annotations

import json
from pathlib import Path

from carepool.demo.budgets_step import run_demo_step


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
