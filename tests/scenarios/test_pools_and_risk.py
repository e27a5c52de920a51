from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.money import Money, total
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.scenarios.model import load_scenario
from carepool.scenarios.pools import AreaPool, PoolPicture, picture, split_total
from carepool.scenarios.riskshare import RiskRule, share_risk


@pytest.fixture(scope="module")
def whole() -> PoolPicture:
    return picture("whole-budget", load_reference())


def test_base_programme_is_its_derived_minimums() -> None:
    ref = load_reference()
    base = picture("bcf-2015-16", ref)
    mins = derive_minimums(load_programme("bcf-2015-16"), ref)
    assert base.national == total(m.total for m in mins.values())
    assert base.performance_at_risk == Money.pounds(1_000_000_000)
    assert "derived" in base.note


def test_whole_budget_adds_up_exactly_to_the_national_totals(whole: PoolPicture) -> None:
    scenario = load_scenario("whole-budget")
    ccg = scenario.total("ccg-allocations").amount
    asc = scenario.total("adult-social-care").amount
    capital = Money.pounds(220_000_000) + Money.pounds(133_641_000)
    assert total(a.ccg_total for a in whole.areas.values()) == ccg
    assert total(a.la for a in whole.areas.values()) == asc + capital
    assert whole.national == ccg + asc + capital
    assert whole.unverified == ("ccg-allocations",)
    assert len(whole.areas) == 151


def test_a_share_of_a_total_is_split_by_population() -> None:
    ref = load_reference()
    national = load_scenario("percentage-of-budgets").total("adult-social-care")
    tenth = split_total(national, Fraction(1, 10), ref)
    assert total(p.la for p in tenth.values()) == Money(national.amount.pence // 10)
    big, small = max(ref.areas.values(), key=lambda a: a.population_18_plus), min(
        ref.areas.values(), key=lambda a: a.population_18_plus)
    assert tenth[big.code].la > tenth[small.code].la


POOL = AreaPool("E1", {"C1": Money(3000), "C2": Money(1000)}, Money(1000))


def test_each_rule_puts_the_risk_where_it_says() -> None:
    amount = Money(1001)
    half = share_risk(POOL, amount, RiskRule.FIFTY_FIFTY)
    assert half["E1"] == Money(500) and half["C1"] + half["C2"] == Money(501)
    prop = share_risk(POOL, amount, RiskRule.PROPORTIONAL)
    assert (prop["C1"], prop["C2"], prop["E1"]) == (Money(601), Money(200), Money(200))
    lead = share_risk(POOL, amount, RiskRule.LEAD)
    assert lead["E1"] == Money(0) and lead["C1"] + lead["C2"] == amount
    council_led = share_risk(POOL, amount, RiskRule.LEAD, lead="la")
    assert council_led["E1"] == amount


@given(ccgs=st.lists(st.integers(min_value=0, max_value=10**12), max_size=5),
       la=st.integers(min_value=0, max_value=10**12), amount=st.integers(min_value=0, max_value=10**11),
       rule=st.sampled_from(list(RiskRule)), lead=st.sampled_from(["ccg", "la", "larger"]))
def test_risk_shares_always_add_up_to_the_money_at_risk(ccgs: list[int], la: int, amount: int, rule: RiskRule,
                                                        lead: str) -> None:
    pool = AreaPool("E1", {f"C{i}": Money(c) for i, c in enumerate(ccgs)}, Money(la))
    parts = share_risk(pool, Money(amount), rule, lead)
    assert sum(p.pence for p in parts.values()) == amount
    assert all(p.pence >= 0 for p in parts.values())
