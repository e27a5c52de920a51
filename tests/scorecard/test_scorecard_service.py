"""The scorecard from stored evidence: plans, ledger spend, SPC of the real series, personal budgets."""

from __future__ import annotations

from pathlib import Path

from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import budgets, plans, scorecard
from carepool.store.db import open_store

YEAR = "bcf-2015-16"
ROTHERHAM, SHEFFIELD = "E08000018", "E08000019"


def test_scorecard_reads_stored_evidence_and_is_kept_until_it_changes(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "card.db"))
    try:
        ref, programme = load_reference(), load_programme(YEAR)
        for area in (ROTHERHAM, SHEFFIELD):
            plans.import_plan(store, synthetic_plan(area, programme, ref, seed=2), actor="test")
        card = scorecard.scorecard(store, YEAR)
        assert {r.area_code for r in card.rows} == {ROTHERHAM, SHEFFIELD} and card.ranked == 2
        assert card.areas_without_plan == 149
        row = card.row(ROTHERHAM)
        assert row is not None and row.rank in (1, 2) and row.score is not None and row.rank_interval is not None
        assert "metric_spc" not in row.missing           # the real series are always there
        assert "personal_budgets" in row.missing and "personal_budgets" not in card.evidence_used
        assert scorecard.scorecard(store, YEAR) is card    # cached while nothing changes

        budgets.load_dataset(store, budgets.synthetic_dataset([ROTHERHAM], 30, seed=4))
        after = scorecard.scorecard(store, YEAR)
        assert after is not card                            # a loaded cohort is new evidence
        with_budgets, without = after.row(ROTHERHAM), after.row(SHEFFIELD)
        assert with_budgets is not None and without is not None
        assert "personal_budgets" not in with_budgets.missing and "personal_budgets" in without.missing
        assert with_budgets.coverage > without.coverage
        assert "personal_budgets" in after.evidence_used
    finally:
        store.dispose()
