"""Cached views move with what they show, and only with that (issue 16, item 4).

An upload adds a plan event. Before, every plan event invalidated every cached view (each area's
page, the dashboard's figures, the evidence report), so a pool manager uploading drafts for
Rotherham made the server recompute Sheffield's page, every other area and the national
evaluation. A draft changes its own area's page and dashboard row only; the plans in force (and
so the evidence report's planned side) change when a version is assured; the ledger changes the
areas it posts to. These tests show both halves: what must be recomputed is, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from carepool.services import dashboard, evaluation, ledger, plans
from carepool.services.areas import year_area
from carepool.services.latest_plans import LATEST_CACHE
from carepool.services.users import user_for_identity
from carepool.store.db import Store
from carepool.web import area_data
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR


def _assure(store: Store, area: str, workbook: Path | None = None) -> None:
    """Take the area's latest version (importing ``workbook`` first, if given) through to assured."""
    record = plans.import_workbook(store, workbook, actor="setup") if workbook else plans.get_plan(store, area, YEAR)
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, area, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, area, YEAR, actor="setup")
    plans.submit(store, area, YEAR, actor="setup")
    plans.assure(store, area, YEAR, "approved", actor="setup")


def _view(store: Store, code: str) -> area_data.AreaView:
    return area_data._cached_view(store, year_area(code, YEAR), YEAR)


def test_a_draft_changes_its_own_area_only_and_an_assurance_changes_the_plans_in_force(
        web_store: Store, workbooks: dict[str, Path]) -> None:
    _assure(web_store, OTHER, workbooks["other"])          # Sheffield has a plan in force
    other, own = _view(web_store, OTHER), _view(web_store, OWN)
    rows = {r.code: r for r in dashboard.all_rows(web_store, YEAR)}
    evidence = evaluation.evidence_report(web_store, YEAR)
    assert evidence.plans == 1 and rows[OTHER].status == "assured" and own.record is None
    latest = web_store.caches.named(LATEST_CACHE)
    read_before = latest.computed

    plans.import_workbook(web_store, workbooks["valid"], actor="pool manager")     # a draft for Rotherham
    assert _view(web_store, OTHER) is other, "Sheffield's page is not recomputed for Rotherham's draft"
    drafted = _view(web_store, OWN)
    assert drafted is not own and drafted.record is not None and drafted.record.version == 1
    assert drafted.state is not None and drafted.state.status.value == "draft"
    after = {r.code: r for r in dashboard.all_rows(web_store, YEAR)}
    assert (after[OWN].status, after[OWN].version, after[OWN].funded_version) == ("draft", 1, None)
    assert after[OTHER] == rows[OTHER]
    assert latest.computed == read_before + 1, "only Rotherham's latest plan is read again"
    assert evaluation.evidence_report(web_store, YEAR) is evidence, "a draft does not change the plans in force"

    _assure(web_store, OWN)                                  # now Rotherham's plan is in force too
    assured = _view(web_store, OWN)
    assert assured.state is not None and assured.state.status.value == "assured"
    assert assured.funding == "Funded: version 1 is the plan in force."
    assert _view(web_store, OTHER) is other, "Rotherham's assurance does not change Sheffield's page"
    rows_now = {r.code: r for r in dashboard.all_rows(web_store, YEAR)}
    assert (rows_now[OWN].status, rows_now[OWN].funded_version) == ("assured", 1)
    assert rows_now[OWN].pooled > 0
    rebuilt = evaluation.evidence_report(web_store, YEAR)
    assert rebuilt is not evidence and rebuilt.plans == 2 and "the 2 assured plan(s)" in rebuilt.html

    ledger.post_contributions(web_store, YEAR)               # money moves in both areas' pools
    posted = _view(web_store, OTHER)
    assert posted is not other and posted.statements, "Sheffield's page shows its new statements"
    assert evaluation.evidence_report(web_store, YEAR) is rebuilt, "postings do not change the plans in force"


def test_an_area_page_shows_a_new_draft_at_once(web_store: Store, workbooks: dict[str, Path]) -> None:
    """Through the page helper a person uses: the cached view is never older than the area's data."""
    pool_manager = user_for_identity(web_store, BY_KEY["pool_manager"].email)
    assert area_data.area_view(web_store, pool_manager, OWN, YEAR).record is None
    plans.import_workbook(web_store, workbooks["valid"], actor="pool manager")
    seen = area_data.area_view(web_store, pool_manager, OWN, YEAR)
    assert seen.record is not None and seen.record.version == 1 and "upload" in seen.actions
    plans.import_workbook(web_store, workbooks["valid"], actor="pool manager")
    again = area_data.area_view(web_store, pool_manager, OWN, YEAR)
    assert again.record is not None and again.record.version == 2
    assert [e.to_status.value for e in again.events] == ["draft"]
