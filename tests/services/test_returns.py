"""Quarterly returns through the service, on SQLite and PostgreSQL: submit, refuse, correct, on time, PfP."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from carepool.errors import ConflictError, ValidationFailed
from carepool.ledger import accounts
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn
from carepool.plans.quarterly_return_json import return_to_dict
from carepool.programme import load_programme
from carepool.services import ledger, performance, returns
from carepool.services.users import Role, User
from carepool.store import ledger_tables
from carepool.store.db import Store
from carepool.store.return_tables import PerformanceAssessmentRow, QuarterlyReturnRow
from tests.ledger.helpers import assured_store

YEAR = "bcf-2015-16"
AREA = "E08000018"
ON_TIME = datetime(2015, 8, 20, 9, 0, tzinfo=UTC)      # Q1's deadline is 28 August 2015
LATE = datetime(2015, 9, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def plan(store: Store) -> Plan:
    plans = assured_store(store)
    ledger.post_contributions(store, YEAR)
    return plans[AREA]


def make_return(store: Store, plan: Plan, quarter: str = "2015Q1", admissions: int | None = None) -> QuarterlyReturn:
    pools, schemes = returns.finance_to_date(store, plan, quarter)
    i = load_programme(YEAR).quarters.index(quarter)
    return QuarterlyReturn(
        AREA, YEAR, quarter, pools, schemes,
        admissions=plan.ambition.baseline_quarters[i] - 40 if admissions is None else admissions,
        delayed_days=900, conditions=tuple(ConditionAnswer(c.id, True) for c in load_programme(YEAR).conditions),
        narrative="On plan.")


def counts(store: Store) -> tuple[int, int, int]:
    with store.transaction() as session:
        return (session.scalar(select(func.count()).select_from(QuarterlyReturnRow)) or 0,
                session.scalar(select(func.count()).select_from(PerformanceAssessmentRow)) or 0,
                session.scalar(select(func.count()).select_from(ledger_tables.transactions)) or 0)


def test_a_return_is_stored_and_feeds_payment_for_performance(store: Store, plan: Plan) -> None:
    ret = make_return(store, plan)
    assert ret.pools and all(p.income_to_date.pence > 0 for p in ret.pools)   # from the books to 30 June
    done = returns.submit(store, ret, actor="la-lead@rotherham.test", at=ON_TIME)
    assert (done.record.version, done.record.submitted_by, done.record.on_time) == (1, "la-lead@rotherham.test", True)
    assert done.record.deadline == date(2015, 8, 28) and done.record.document == ret
    assert done.run is not None and done.run.posted == 1 and done.run.outcomes[0].actual == ret.admissions

    q1, q2 = performance.performance_quarters(store, AREA, YEAR)[:2]
    baseline = plan.ambition.baseline_quarters[0]
    assert (q1.baseline, q1.actual, q1.avoided, q1.return_version) == (baseline, baseline - 40, 40, 1)
    outcome = done.run.outcomes[0]
    assert (q1.released, q1.paid_to_acute) == (outcome.released, outcome.paid_to_acute) and q1.assessed
    assert not q2.assessed and q2.actual is None
    assert returns.latest_returns(store, AREA, YEAR)["2015Q1"].id == done.record.id


def test_the_quarter_figures_are_stored_with_the_return_they_came_from(store: Store, plan: Plan) -> None:
    done = returns.submit(store, make_return(store, plan), actor="pool@rotherham.test", at=ON_TIME)
    with store.transaction() as session:
        rows = list(session.scalars(select(PerformanceAssessmentRow)))
    assert [(r.area_code, r.quarter, r.return_id, r.actual, r.avoided, r.ledger_key) for r in rows] == [
        (AREA, "2015Q1", done.record.id, plan.ambition.baseline_quarters[0] - 40, 40, f"pfp:{YEAR}:{AREA}:2015Q1")]
    assert performance.performance_quarters(store, AREA, YEAR)[0].actual == rows[0].actual


def test_a_refused_return_stores_nothing_and_names_every_problem(store: Store, plan: Plan) -> None:
    before = counts(store)
    bad = replace(make_return(store, plan), admissions=-5, conditions=(ConditionAnswer("NC1", False),))
    with pytest.raises(ValidationFailed) as refused:
        returns.submit(store, bad, actor="x", at=ON_TIME)
    assert {"return.negative", "return.condition-comment", "return.condition-missing"} <= {
        f.rule for f in refused.value.findings}
    assert counts(store) == before
    assert returns.list_returns(store, AREA) == []


def test_a_correction_is_a_new_version_and_reposts_the_quarter(store: Store, plan: Plan) -> None:
    first = returns.submit(store, make_return(store, plan), actor="a", at=ON_TIME)
    fixed = returns.submit(store, make_return(store, plan, admissions=plan.ambition.baseline_quarters[0] + 10),
                           actor="b", at=LATE)
    assert fixed.record.version == 2 and fixed.run is not None and fixed.run.reversed == 1
    versions = returns.list_returns(store, AREA, YEAR)
    assert [(r.version, r.document.admissions, r.submitted_by) for r in versions] == [
        (1, first.record.document.admissions, "a"), (2, plan.ambition.baseline_quarters[0] + 10, "b")]
    q1 = performance.performance_quarters(store, AREA, YEAR)[0]
    assert (q1.actual, q1.avoided, q1.return_version, q1.released) == (
        plan.ambition.baseline_quarters[0] + 10, 0, 2, 0)
    assert q1.posted == f"pfp:{YEAR}:{AREA}:2015Q1:r2"
    # the books hold the reversal; the held-back account is back to the whole quarter's share paid out
    balances = ledger.trial_balance(store, AREA)
    released = sum(line.debit - line.credit for line in balances.lines if line.account == accounts.RELEASED)
    assert released == 0
    # the same figures again post nothing more
    again = returns.submit(store, make_return(store, plan, admissions=plan.ambition.baseline_quarters[0] + 10),
                           actor="b", at=LATE)
    assert again.record.version == 3 and again.run is not None and (again.run.posted, again.run.reversed) == (0, 0)


def test_submitted_returns_cannot_be_changed_in_the_database(store: Store, plan: Plan) -> None:
    returns.submit(store, make_return(store, plan), actor="a", at=ON_TIME)
    for sql in ("UPDATE quarterly_returns SET admissions = 1", "DELETE FROM quarterly_returns",
                "UPDATE performance_assessments SET actual = 1"):
        with pytest.raises(ConflictError, match="append-only"), store.transaction() as session:
            session.execute(text(sql))
    assert returns.list_returns(store, AREA)[0].document.admissions == plan.ambition.baseline_quarters[0] - 40


def test_on_time_is_the_first_version_against_the_years_deadline(store: Store, plan: Plan) -> None:
    returns.submit(store, make_return(store, plan), actor="a", at=ON_TIME)
    returns.submit(store, make_return(store, plan, admissions=7), actor="a", at=LATE)         # correction: late
    late_q2 = datetime(2015, 12, 1, tzinfo=UTC)                                               # Q2 due 27 Nov
    returns.submit(store, make_return(store, plan, "2015Q2"), actor="a", at=late_q2)
    status = {s.quarter: s for s in returns.statuses(store, AREA, YEAR)}
    assert status["2015Q1"].on_time is True and status["2015Q1"].latest is not None
    assert status["2015Q1"].latest.version == 2 and status["2015Q1"].first_submitted_at == ON_TIME
    assert status["2015Q2"].on_time is False and status["2015Q2"].deadline == date(2015, 11, 27)
    assert status["2015Q3"].on_time is None and status["2015Q3"].latest is None
    assert returns.on_time_counts(store, YEAR, date(2016, 1, 1)) == {AREA: (2, 1)}
    assert returns.on_time_counts(store, YEAR, date(2016, 6, 1)) == {AREA: (4, 1)}


def test_a_return_file_is_read_with_findings_naming_file_line_and_field(store: Store, plan: Plan,
                                                                       tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"area_code": "E08000018",\n "quarter": 2015Q1}', encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        returns.submit_file(store, broken, actor="cli")
    finding = refused.value.findings[0]
    assert finding.rule == "return.json" and (finding.location.file, finding.location.row) == ("broken.json", 2)

    data = return_to_dict(make_return(store, plan))
    data["pools"][0]["income_to_date_pence"] = "lots"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        returns.submit_file(store, wrong, actor="cli", at=ON_TIME)
    pool = data["pools"][0]["pool"]
    assert [(f.rule, f.location.file, f.location.field) for f in refused.value.findings] == [
        ("return.money", "wrong.json", f"pools.{pool}.income_to_date")]
    assert counts(store)[0] == 0

    good = tmp_path / "good.json"
    good.write_text(json.dumps(return_to_dict(make_return(store, plan))), encoding="utf-8")
    assert returns.submit_file(store, good, actor="cli", at=ON_TIME).record.version == 1


def test_a_return_for_another_area_than_the_address_is_refused(store: Store, plan: Plan) -> None:
    data = return_to_dict(make_return(store, plan))
    with pytest.raises(ValidationFailed) as refused:
        returns.submit_data(store, data, actor="x", area="E06000001", at=ON_TIME)
    assert "return.area" in {f.rule for f in refused.value.findings}
    assert counts(store)[0] == 0


def test_who_may_submit() -> None:
    def user(role: Role, kind: str = "la", areas: tuple[str, ...] = (AREA,)) -> User:
        return User(1, "u@x.test", "u", "ORG", kind, role, areas)
    assert returns.may_submit(user(Role.PARTNER_LEAD), AREA)
    assert returns.may_submit(user(Role.PARTNER_LEAD, "ccg"), AREA)
    assert returns.may_submit(user(Role.POOL_MANAGER), AREA)
    assert not returns.may_submit(user(Role.PARTNER_LEAD), "E08000019")
    for role in (Role.HWB_CHAIR, Role.AUDITOR, Role.ANALYST):
        assert not returns.may_submit(user(role), AREA)
    assert not returns.may_submit(user(Role.NATIONAL_ASSURER, "national", ()), AREA)


def test_many_areas_submit_a_quarter_together(store: Store, plan: Plan) -> None:
    other = returns.assured_plan(store, "E06000001", YEAR)
    assert other is not None
    first = make_return(store, plan)
    pools, schemes = returns.finance_to_date(store, other, "2015Q1")
    second = replace(first, area_code="E06000001", pools=pools, schemes=schemes)
    stored, run = returns.submit_quarter(store, [first, second], actor="demo", at=ON_TIME, skip_unchanged=True)
    assert stored == 2 and run is not None and run.posted == 2
    again = returns.submit_quarter(store, [first, second], actor="demo", at=ON_TIME, skip_unchanged=True)
    assert again == (0, None)
