"""The quarterly return as data: quarters, deadlines, on time, every validation finding, the JSON shape."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from carepool.findings import Severity
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import (
    ConditionAnswer,
    PoolLine,
    QuarterlyReturn,
    SchemeLine,
    is_on_time,
    parse_quarter,
    quarter_end,
    quarter_label,
    return_deadline,
    validate_return,
)
from carepool.plans.quarterly_return_json import return_from_dict, return_to_dict
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import load_reference

AREA = "E08000018"
AFTER_Q1 = datetime(2015, 8, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def programme() -> ProgrammeYear:
    return load_programme("bcf-2015-16")


@pytest.fixture(scope="module")
def plan(programme: ProgrammeYear) -> Plan:
    return synthetic_plan(AREA, programme, load_reference(), seed=3, second_pool=True)


def good_return(plan: Plan, programme: ProgrammeYear, quarter: str = "2015Q1") -> QuarterlyReturn:
    pools = tuple(PoolLine(p.id, Money(plan.pool_total(p.id).pence // 4), Money(plan.pool_total(p.id).pence // 5))
                  for p in plan.pools)
    scheme = plan.schemes[0]
    return QuarterlyReturn(
        AREA, programme.id, quarter, pools, (SchemeLine(scheme.ref, Money(100_00)),),
        admissions=7_000, delayed_days=1_200,
        conditions=tuple(ConditionAnswer(c.id, True) for c in programme.conditions),
        narrative="Seven-day discharge team in place.")


def rules(found: list) -> set[str]:  # type: ignore[type-arg]
    return {f.rule for f in found if f.severity is Severity.ERROR}


def test_quarters_labels_and_ends() -> None:
    assert parse_quarter("2015Q1") == "2015Q1" and parse_quarter(" 2015 q3 ") == "2015Q3"
    assert parse_quarter("2015-16 Q4") == "2015Q4" and parse_quarter("2015-17 Q1") is None
    assert parse_quarter("Q1 2015") is None
    assert quarter_label("2015Q1") == "2015-16 Q1" and quarter_label("2099Q4") == "2099-00 Q4"
    assert quarter_end("2015Q1") == date(2015, 6, 30) and quarter_end("2015Q4") == date(2016, 3, 31)


def test_deadlines_come_from_the_programme_year_and_decide_on_time(programme: ProgrammeYear) -> None:
    assert [return_deadline(programme, q) for q in programme.quarters] == [
        date(2015, 8, 28), date(2015, 11, 27), date(2016, 2, 26), date(2016, 5, 27)]
    deadline = date(2015, 8, 28)
    assert is_on_time(datetime(2015, 8, 28, 23, 59, tzinfo=UTC), deadline) is True
    assert is_on_time(datetime(2015, 8, 29, 0, 0, tzinfo=UTC), deadline) is False
    # 00:30 in London on the 29th (BST) is still the 28th in UTC
    from datetime import timedelta, timezone
    assert is_on_time(datetime(2015, 8, 29, 0, 30, tzinfo=timezone(timedelta(hours=1))), deadline) is True
    assert is_on_time(datetime(2015, 9, 1, tzinfo=UTC), None) is None


def test_a_good_return_has_no_errors(plan: Plan, programme: ProgrammeYear) -> None:
    found = validate_return(good_return(plan, programme), programme, plan, submitted_at=AFTER_Q1)
    assert found == []


def test_every_problem_is_reported_at_once_with_where(plan: Plan, programme: ProgrammeYear) -> None:
    pools = good_return(plan, programme).pools
    bad = replace(
        good_return(plan, programme), quarter="2016Q1",
        pools=(replace(pools[0], income_to_date=Money(-1)), pools[0], PoolLine("P9", Money(0), Money(0))),
        schemes=(SchemeLine("NOPE", Money(5)),), admissions=-3, delayed_days=None,
        conditions=(ConditionAnswer("NC1", False), ConditionAnswer("NC99", True)), narrative="")
    found = validate_return(bad, programme, plan, submitted_at=AFTER_Q1)
    assert rules(found) == {
        "return.quarter", "return.negative", "return.pool-duplicate", "return.pool-unknown", "return.pool-missing",
        "return.scheme-unknown", "return.delayed_days-missing", "return.condition-comment",
        "return.condition-unknown", "return.condition-missing"}
    fields = {f.location.field for f in found}
    assert {"quarter", f"pools.{pools[0].pool}.income_to_date", "admissions", "conditions.NC1.comment",
            "conditions.NC2", "conditions.NC6", "pools.P9", "schemes.NOPE", "delayed_days"} <= fields
    missing = {f.location.field for f in found if f.rule == "return.condition-missing"}
    assert missing == {f"conditions.NC{i}" for i in range(2, 7)}       # NC1 is answered (not met)
    assert any(f.rule == "return.narrative" and f.severity is Severity.WARNING for f in found)


def test_spend_beyond_the_pool(plan: Plan, programme: ProgrammeYear) -> None:
    ret = good_return(plan, programme)
    first = ret.pools[0]
    in_pool = [s for s in plan.schemes if s.pool == first.pool]
    # the schemes of a pool cannot have spent more than the pool reports: an error
    over = replace(ret, schemes=tuple(SchemeLine(s.ref, first.expenditure_to_date) for s in in_pool[:2]))
    found = validate_return(over, programme, plan, submitted_at=AFTER_Q1)
    assert [f.location.field for f in found if f.rule == "return.spend-exceeds-pool"] == [
        f"pools.{first.pool}.expenditure_to_date"]
    # a pool that has spent more than its size for the year is overspent: accepted, flagged (risk share)
    size = plan.pool_total(first.pool)
    overspent = replace(ret, pools=(replace(first, expenditure_to_date=size + Money(1)), *ret.pools[1:]), schemes=())
    found = validate_return(overspent, programme, plan, submitted_at=AFTER_Q1)
    assert rules(found) == set()
    assert [f.severity for f in found if f.rule == "return.pool-overspent"] == [Severity.WARNING]


def test_counts_beyond_the_returns_limit(plan: Plan, programme: ProgrammeYear) -> None:
    ret = good_return(plan, programme)
    big = replace(ret, admissions=100_000_001, delayed_days=100_000_000,
                  pools=(replace(ret.pools[0], income_to_date=programme.amount_max + Money(1)), *ret.pools[1:]))
    found = validate_return(big, programme, plan, submitted_at=AFTER_Q1)
    # money is not capped (a large pool holds more than GBP 100m a year); counts are
    assert [(f.rule, f.location.field) for f in found if f.severity is Severity.ERROR] == [
        ("return.limit", "admissions")]


def test_timing_a_quarter_not_ended_is_refused_and_a_late_one_flagged(plan: Plan, programme: ProgrammeYear) -> None:
    ret = good_return(plan, programme)
    early = validate_return(ret, programme, plan, submitted_at=datetime(2015, 6, 30, 12, tzinfo=UTC))
    assert rules(early) == {"return.quarter-not-ended"}
    late = validate_return(ret, programme, plan, submitted_at=datetime(2015, 9, 1, tzinfo=UTC))
    assert rules(late) == set() and [f.rule for f in late] == ["return.late"]


def test_without_a_plan_or_for_another_year(plan: Plan, programme: ProgrammeYear) -> None:
    ret = good_return(plan, programme)
    assert rules(validate_return(ret, programme, None, submitted_at=AFTER_Q1)) == {"return.no-plan"}
    other = replace(ret, year="bcf-2016-17")
    assert "return.year" in rules(validate_return(other, programme, plan, submitted_at=AFTER_Q1))


def test_the_json_shape_round_trips_exactly(plan: Plan, programme: ProgrammeYear) -> None:
    ret = good_return(plan, programme)
    back, found = return_from_dict(return_to_dict(ret))
    assert found == [] and back == ret


def test_reading_pounds_and_reporting_every_bad_field() -> None:
    data = {"area_code": "e08000018", "year": "bcf-2015-16", "quarter": "2015-16 Q2",
            "non_elective_admissions": "7,001", "delayed_days": 12,
            "pools": [{"pool": "P1", "income_to_date": "1,234.56", "expenditure_to_date": 1000},
                      {"pool": "P2", "income_to_date": "12.345", "expenditure_to_date": "x"}],
            "schemes": [{"scheme": "S1", "expenditure_to_date": "10.10"}, "oops"],
            "conditions": [{"id": "NC1", "met": "yes"}, {"id": "NC2", "met": "perhaps"}]}
    ret, found = return_from_dict(data, file="q2.json")
    assert ret is not None and ret.quarter == "2015Q2" and ret.area_code == "E08000018"
    assert ret.admissions == 7001 and ret.pools == (PoolLine("P1", Money(123456), Money(100000)),)
    assert ret.schemes == (SchemeLine("S1", Money(1010)),) and ret.condition("NC1") == ConditionAnswer("NC1", True)
    assert {(f.rule, f.location.field) for f in found} == {
        ("return.money", "pools.P2.income_to_date"), ("return.money", "pools.P2.expenditure_to_date"),
        ("return.type", "schemes[1]"), ("return.condition-met", "conditions.NC2")}
    assert all(f.location.file == "q2.json" for f in found)
    assert return_from_dict([1, 2])[0] is None
