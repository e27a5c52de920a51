"""Assurance with consequences (issue 12, defect 1) and the plan in force (issue 16, item 7).

Reproductions: a plan assured "not approved" got its contributions posted (every outcome ends
in status ``assured`` and the ledger read the status only); and uploading a new draft to an
assured area hid the assured plan (``list_latest`` took the latest version before filtering
on status), so its returns were refused with return.no-plan and payment for performance stopped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import NotFound, ValidationFailed
from carepool.money import Money
from carepool.services import in_force, ledger, performance, returns
from carepool.store import plan_repo as plan_repo
from carepool.store.db import Store
from tests.ledger.helpers import AT, sample, store_assured
from tests.services.test_returns import ON_TIME, make_return

YEAR = "bcf-2015-16"
PAYMENTS = Path(__file__).resolve().parents[1] / "fixtures" / "ledger" / "payments_good.csv"
FUNDED, REFUSED = "E08000018", "E06000001"


def test_a_not_approved_plan_gets_no_contributions_and_says_why(store: Store) -> None:
    store_assured(store, sample(FUNDED))
    store_assured(store, sample(REFUSED), "not approved")
    done = ledger.post_contributions(store, YEAR)
    assert done.areas == 1
    assert [a for a, _ in done.refused] == [REFUSED]
    assert "not approved" in done.refused[0][1] and "new version" in done.refused[0][1]
    posted_areas = {t.area for t in ledger.area_transactions(store)}
    assert posted_areas == {FUNDED}
    with pytest.raises(NotFound, match="assured 'not approved'"):
        ledger.post_contributions(store, YEAR, REFUSED)
    assert {t.area for t in ledger.area_transactions(store)} == {FUNDED}


def test_the_cli_posts_nothing_for_a_not_approved_plan_and_says_why(store_url: str) -> None:
    from carepool.store.db import open_store

    store = open_store(store_url)
    store_assured(store, sample(REFUSED), "not approved")
    result = CliRunner().invoke(app, ["ledger", "post-contributions", "--year", YEAR, "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "0 area(s)" in result.output and "nothing posted" in result.output
    assert "not approved" in " ".join(result.output.split())
    one = CliRunner().invoke(app, ["ledger", "post-contributions", "--area", REFUSED, "--db", store_url])
    assert one.exit_code != 0 and "not approved" in " ".join(one.output.split())
    assert ledger.area_transactions(store) == []


def test_a_not_approved_plan_takes_no_returns_and_no_payment_for_performance(store: Store) -> None:
    plan = sample(REFUSED)
    store_assured(store, plan, "not approved")
    ret = replace(make_return(store, plan), area_code=REFUSED)
    with pytest.raises(ValidationFailed) as refused:
        returns.submit(store, ret, actor="a", at=ON_TIME)
    assert any(f.rule == "return.no-plan" and "not approved" in f.message for f in refused.value.findings)
    run = performance.run_quarter(store, "2015Q1", {(REFUSED, "2015Q1"): 1})
    assert run.outcomes == () and run.posted == 0


def test_every_fundable_outcome_is_funded(store: Store) -> None:
    outcomes = {"E08000018": "approved", "E06000001": "approved with support",
                "E06000002": "approved subject to conditions"}
    for area, outcome in outcomes.items():
        store_assured(store, sample(area), outcome, "C1: seven-day services by Q2" if "conditions" in outcome else "")
    assert ledger.post_contributions(store, YEAR).areas == 3


def test_a_new_draft_does_not_hide_the_assured_plan(store: Store) -> None:
    """Issue 16 item 7: returns, payment for performance and spend keep following the assured version."""
    plan = sample(FUNDED)
    store_assured(store, plan)
    ledger.post_contributions(store, YEAR)
    with store.transaction() as session:
        plan_repo.add_version(session, replace(plan, narrative="a revision in progress"), "area", AT)
    assert {c: r.plan for c, r in in_force.records_in_force(store, YEAR).items()} == {FUNDED: plan}
    submitted = returns.submit(store, make_return(store, plan), actor="a", at=ON_TIME)
    assert submitted.run is not None and submitted.run.posted == 1
    position = in_force.in_force(store, YEAR, FUNDED)
    assert position is not None and position.record is not None and position.record.version == 1
    # spend against the assured plan's schemes still imports (both areas' plans in force)
    store_assured(store, sample(REFUSED))
    ledger.post_contributions(store, YEAR)
    assert ledger.import_spend(store, PAYMENTS).posted == 4


def test_a_newer_not_approved_version_leaves_the_agreed_plan_in_force(store: Store) -> None:
    plan = sample(FUNDED)
    store_assured(store, plan)
    store_assured(store, replace(plan, pools=plan.pools, narrative="v2"), "not approved")
    position = in_force.in_force(store, YEAR, FUNDED)
    assert position is not None and position.record is not None and position.record.version == 1
    # a third version, approved, takes over
    v3 = replace(plan, narrative="v3", notes=("resubmitted",))
    store_assured(store, v3)
    position = in_force.in_force(store, YEAR, FUNDED)
    assert position is not None and position.record is not None and position.record.version == 3
    assert ledger.post_contributions(store, YEAR).amount == Money(v3.pooled_total.pence)


def test_an_area_not_approved_then_approved_is_funded_by_the_new_version(store: Store) -> None:
    plan = sample(REFUSED)
    store_assured(store, plan, "not approved")
    assert ledger.post_contributions(store, YEAR).areas == 0
    store_assured(store, replace(plan, narrative="resubmitted"))
    done = ledger.post_contributions(store, YEAR)
    assert (done.areas, done.refused) == (1, ())


def test_the_dashboard_shows_the_plan_in_force_and_the_refused_outcome(store: Store) -> None:
    from carepool.services import dashboard

    plan = sample(FUNDED)
    store_assured(store, plan)
    with store.transaction() as session:
        plan_repo.add_version(session, replace(plan, narrative="v2"), "area", AT)
    store_assured(store, sample(REFUSED), "not approved")
    rows = {r.code: r for r in dashboard.all_rows(store, YEAR)}
    assert (rows[FUNDED].status, rows[FUNDED].version, rows[FUNDED].funded_version, rows[FUNDED].outcome) == (
        "draft", 2, 1, "approved")
    assert rows[FUNDED].pooled == plan.pooled_total.pence
    assert (rows[REFUSED].status, rows[REFUSED].funded_version, rows[REFUSED].outcome) == (
        "assured", None, "not approved")
