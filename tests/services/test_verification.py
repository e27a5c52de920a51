"""Verified admissions decide payment for performance (issue 12, defect 6).

Reproduction: the quarterly return's own admissions figure released money directly; a return
claiming 200 admissions avoided released their value although the area's verified figure
showed none avoided.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.ledger import accounts
from carepool.plans.model import Plan
from carepool.services import ledger, performance, returns, verification
from carepool.store.db import Store, open_store
from tests.ledger.helpers import assured_store
from tests.services.test_returns import AREA, LATE, ON_TIME, YEAR, make_return

Q1 = "2015Q1"


def released(store: Store) -> int:
    tb = ledger.trial_balance(store, AREA)
    return sum(line.debit - line.credit for line in tb.lines if line.account == accounts.RELEASED)


def setup(store: Store) -> Plan:
    plans = assured_store(store)
    ledger.post_contributions(store, YEAR)
    return plans[AREA]


def test_the_verified_figure_decides_and_the_self_reported_posting_is_reversed(store: Store) -> None:
    plan = setup(store)
    baseline = plan.ambition.baseline_quarters[0]
    claimed = returns.submit(store, make_return(store, plan, admissions=baseline - 200), actor="area", at=ON_TIME)
    assert claimed.run is not None and released(store) > 0
    q1 = performance.performance_quarters(store, AREA, YEAR)[0]
    assert q1.provisional and q1.actual == baseline - 200

    done = verification.verify_quarter(store, Q1, {(AREA, Q1): baseline}, source="national series")
    assert [f.rule for f in done.findings] == ["performance.return-differs"]
    assert f"{baseline - 200:,}" in done.findings[0].message and f"{baseline:,}" in done.findings[0].message
    assert done.run.reversed == 1 and released(store) == 0
    q1 = performance.performance_quarters(store, AREA, YEAR)[0]
    assert (q1.provisional, q1.actual, q1.released) == (False, baseline, 0)
    assert ledger.trial_balance(store).unbalanced_pools() == []

    # a corrected return claiming the same again is stored, but the verified figure still decides
    again = returns.submit(store, make_return(store, plan, admissions=baseline - 200), actor="area", at=LATE)
    assert again.record.version == 2 and released(store) == 0
    assert "performance.return-differs" in {f.rule for f in again.findings}
    assert not performance.performance_quarters(store, AREA, YEAR)[0].provisional


def test_a_return_within_tolerance_is_no_finding_but_is_still_re_posted_as_verified(store: Store) -> None:
    plan = setup(store)
    reported = plan.ambition.baseline_quarters[0] - 40
    returns.submit(store, make_return(store, plan), actor="area", at=ON_TIME)
    before = released(store)
    done = verification.verify_quarter(store, Q1, {(AREA, Q1): reported + 3}, source="engine")
    assert done.findings == () and done.run.reversed == 1
    assert released(store) == before - 3 * 1_490_00
    assert verification.verify_quarter(store, Q1, {(AREA, Q1): reported + 3}, source="engine").run.reversed == 0


def test_the_cli_verifies_a_quarter_from_a_file(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url)
    plan = setup(store)
    baseline = plan.ambition.baseline_quarters[0]
    returns.submit(store, make_return(store, plan, admissions=baseline - 200), actor="area", at=ON_TIME)
    data = tmp_path / "verified.csv"
    data.write_text(f"area_code,quarter,admissions\n{AREA},{Q1},{baseline}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["performance", "verify", "--quarter", Q1, "--admissions", str(data),
                                      "--db", store_url])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "performance.return-differs" in out and "1 provisional posting(s) reversed" in out
    assert released(store) == 0
