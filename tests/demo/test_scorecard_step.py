"""The demo scorecard ranks every area with intervals, from evidence the store and real series hold."""

import csv
from pathlib import Path

from carepool.demo.plans_step import run_plans_step
from carepool.demo.scorecard_step import areas_with_step_changes, run_demo_step
from carepool.services.scorecard import spc_by_area
from carepool.store.db import open_store


def test_scorecard_ranks_all_areas_with_intervals(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    run_plans_step(store, seed=5, progress=lambda _m: None)
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "index.html").write_text("<html><body><h1>report</h1></body></html>")
    out = run_demo_step(store, tmp_path, "bcf-2015-16", lambda _m: None)
    assert out["scores"] == 151 and out["ranked"] == 151
    rows = list(csv.DictReader((tmp_path / "report" / "scorecard.csv").open()))
    assert [int(r["rank"]) for r in rows] == list(range(1, 152))
    for r in rows:
        assert int(r["rank_low"]) <= int(r["rank"]) <= int(r["rank_high"])
        assert "returns_on_time" in r["missing"]          # never invented: no returns stored here
    assert "id='scorecard'" in (tmp_path / "report" / "index.html").read_text()


def test_spc_evidence_comes_from_the_real_series() -> None:
    spc = {a: e for a, e in spc_by_area().items() if a in ("E08000025", "E08000029")}   # Birmingham, Solihull
    assert len(spc) == 2 and all(e.points >= 2 * 40 for e in spc.values())
    # both are served by CCGs whose published admissions halve in July 2014 (a reported quirk)
    assert {"E08000025", "E08000029"} <= areas_with_step_changes()
