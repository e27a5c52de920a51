"""The demo's activity step (src/carepool/demo/activity_step.py) on a small slice."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from carepool.demo.activity_step import run_demo_step
from carepool.engines.published import nonelective_by_area_month


def test_demo_step_returns_the_payment_feed_and_summary(tmp_path: Path) -> None:
    said: list[str] = []
    result = run_demo_step(tmp_path, 5, said.append, areas="E08000009,E08000003", years=[2015])
    quarters = result["quarterly_admissions"]
    assert set(quarters) == {(a, f"2015Q{q}") for a in ("E08000009", "E08000003") for q in range(1, 5)}
    published = nonelective_by_area_month().by_area_month()
    effects = {e["area_code"] for e in result["true_effects"]}
    untouched = {"E08000009", "E08000003"} - effects
    assert untouched, "an area without a planted effect, whose admissions are the published ones"
    for area in untouched:
        q1 = sum(published[(area, m)] for m in ("2015-04", "2015-05", "2015-06"))
        assert quarters[(area, "2015Q1")] == q1
    assert result["england_2015_16"]["BCF1"]["numerator"] == sum(quarters.values())
    assert pq.read_table(result["metrics_file"]).num_rows == result["metric_rows"]
    assert any("computing BCF1-BCF4 and the current metrics" in m for m in said)
