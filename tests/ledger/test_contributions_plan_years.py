"""Two-year plans post each plan year's own figures into its own financial year (money-years).

Reproduction: contributions and scheme budgets of a 2023-25 plan were posted as the whole
two-year amounts, all dated in 2023-24; the per-year split was never read by the ledger.
"""

from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger import balances, schedule_contributions, scheme_budgets
from carepool.plans.model import Plan
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import ProgrammeYear, load_programme

Y2325 = load_programme("bcf-2023-25")
ROTHERHAM = "E08000018"
YEARS = {"2023-24": (date(2023, 4, 1), date(2024, 3, 31)), "2024-25": (date(2024, 4, 1), date(2025, 3, 31))}


@pytest.fixture(scope="module")
def two_year() -> Plan:
    return synthetic_plan_2023(ROTHERHAM, Y2325, seed=2, signed=True)


def _contributed(txns: list, plan: Plan) -> dict[tuple[str, str, str], int]:  # type: ignore[type-arg]
    """(pool, contributor, stream) -> pence credited to its contribution account."""
    out: dict[tuple[str, str, str], int] = {}
    for (_, pool, account), pence in balances(txns).items():
        found = acc.contribution_of(account)
        if found is not None and acc.is_contribution(account):
            key = (pool, *found)
            out[key] = out.get(key, 0) - pence
    return {k: v for k, v in out.items() if v}


def _planned(plan: Plan, label: str) -> dict[tuple[str, str, str], int]:
    out: dict[tuple[str, str, str], int] = {}
    for f in plan.funding:
        if f.plan_year == label:
            key = (f.pool, f.contributor, f.stream)
            out[key] = out.get(key, 0) + f.amount.pence
    return {k: v for k, v in out.items() if v}


def test_each_plan_year_posts_only_its_own_contributions_in_its_own_year(two_year: Plan) -> None:
    both = 0
    checked = 0
    for label, (first, last) in YEARS.items():
        txns = schedule_contributions(two_year, Y2325, plan_year=label)
        planned = _planned(two_year, label)
        assert planned, label                                  # the synthetic plans money in both years
        assert _contributed(txns, two_year) == planned, label      # to the penny, to the right partner and stream
        assert all(first <= t.on <= last for t in txns), label
        assert all(f":{label}:" in t.key for t in txns)
        both += sum(planned.values())
        checked += 1
    assert checked == 2
    assert both == two_year.pooled_total.pence                     # the two years together are the plan's total


def test_each_plan_year_posts_only_its_own_scheme_budgets(two_year: Plan) -> None:
    whole = 0
    for label, (first, _) in YEARS.items():
        txns = scheme_budgets(two_year, Y2325, plan_year=label)
        bal = balances(txns)
        got = {a.rsplit(":", 1)[-1]: v for (_, _, a), v in bal.items() if a.startswith("Equity:Memo:Budget:Schemes:")}
        assert got == {s.ref: s.amount_for(label).pence for s in two_year.schemes if s.amount_for(label).pence}, label
        assert all(t.on == first for t in txns)
        whole += sum(got.values())
    assert whole == two_year.schemes_total.pence


def test_the_two_years_are_posted_under_different_keys(two_year: Plan) -> None:
    def keys(label: str) -> set[str]:
        txns = schedule_contributions(two_year, Y2325, plan_year=label) + scheme_budgets(two_year, Y2325, label)
        return {t.key for t in txns}

    a, b = keys("2023-24"), keys("2024-25")
    assert a and b and not a & b


def test_a_two_year_plan_without_a_named_plan_year_is_refused_not_posted_whole(two_year: Plan) -> None:
    with pytest.raises(InputError, match=r"2023-24, 2024-25"):
        schedule_contributions(two_year, Y2325)
    with pytest.raises(InputError, match=r"2023-24, 2024-25"):
        scheme_budgets(two_year, Y2325)
    with pytest.raises(InputError, match=r"'2025-26' is not a plan year of bcf-2023-25"):
        schedule_contributions(two_year, Y2325, plan_year="2025-26")


def test_a_one_year_plan_is_posted_as_before_with_or_without_its_year_named(
        plan: Plan, programme: ProgrammeYear) -> None:
    y = programme
    assert schedule_contributions(plan, y) == schedule_contributions(plan, y, plan_year="2015-16")
    assert scheme_budgets(plan, y) == scheme_budgets(plan, y, plan_year="2015-16")
    with pytest.raises(InputError, match="not a plan year"):
        scheme_budgets(plan, y, plan_year="2016-17")
