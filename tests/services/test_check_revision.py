"""`carepool plan check-revision`: the March 2015 rule on the latest version against the plan in force."""

from __future__ import annotations

from dataclasses import replace

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.store import plan_repo as plan_repo
from carepool.store.db import open_store
from tests.ledger.helpers import AT, sample, store_assured
from tests.plans.test_target_revision import _with_pct

AREA = "E08000018"


def test_the_cli_refuses_a_revision_within_tolerance_and_allows_one_towards_the_operating_plan(
        store_url: str) -> None:
    store = open_store(store_url)
    assured = _with_pct(sample(AREA), "5.0")
    store_assured(store, assured)
    run = CliRunner()
    same = run.invoke(app, ["plan", "check-revision", "--area", AREA, "--operating-plan-pct", "1", "--db", store_url])
    assert same.exit_code == 0 and "does not revise" in same.output
    with store.transaction() as session:
        plan_repo.add_version(session, replace(_with_pct(assured, "2.5"), narrative="revised"), "area", AT)
    ok = run.invoke(app, ["plan", "check-revision", "--area", AREA, "--operating-plan-pct", "1.0", "--json",
                          "--db", store_url])
    assert ok.exit_code == 0 and '"rule": "TARGET-REVISION-APPROVAL"' in ok.output
    refused = run.invoke(app, ["plan", "check-revision", "--area", AREA, "--operating-plan-pct", "3.5",
                               "--db", store_url])
    assert refused.exit_code == 3 and "breaks the March 2015 rule" in refused.output
    assert "TARGET-REVISION" in refused.output
    bad = run.invoke(app, ["plan", "check-revision", "--area", AREA, "--operating-plan-pct", "lots", "--db", store_url])
    assert bad.exit_code == 2 and "--operating-plan-pct" in bad.output
