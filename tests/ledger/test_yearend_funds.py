"""Defect 8: year end keeps capital and revenue apart (risk share on revenue only; DFG to districts)."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import InputError
from carepool.ledger import Books, Payment, RiskShare, Settlement, balances, post, settle_pool, spend_transactions
from carepool.ledger import accounts as acc
from carepool.ledger.settlement import net_position
from carepool.ledger.year_end import YearEnd
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear

YEAR_END = date(2016, 3, 31)
CCG = "03L"


def capital_ids(programme: ProgrammeYear) -> set[str]:
    return {s.id for s in programme.streams if s.kind == "capital"}


def revenue_spent_exactly(plan: Plan, programme: ProgrammeYear, pool: str) -> list[Payment]:
    """Every revenue scheme paid its budget, the revenue left over paid too; capital schemes unpaid."""
    capital = capital_ids(programme)
    revenue = [s for s in plan.schemes if s.pool == pool and s.source not in capital]
    income = sum(f.amount.pence for f in plan.funding if f.pool == pool and f.stream not in capital)
    payments = [Payment(1, plan.area_code, date(2015, 10, 1), s.ref, s.provider, s.amount.pence, f"pay-{s.ref}")
                for s in revenue]
    rest = income - sum(s.amount.pence for s in revenue)
    if rest:
        payments.append(Payment(2, plan.area_code, date(2015, 11, 1), revenue[0].ref, revenue[0].provider, rest,
                                "pay-rest"))
    return payments


def test_a_ccg_receives_no_unspent_dfg(plan: Plan, programme: ProgrammeYear, funded: Books) -> None:
    """Reproduction: revenue spent to the penny, DFG and capital grant unspent, a 50/50 risk share.
    Before the fix the unspent capital was netted with revenue and the CCG got half of it."""
    unspent_capital = sum(f.amount.pence for f in plan.funding if f.pool == "P1" and f.stream in capital_ids(programme))
    assert unspent_capital > 0
    books = post(funded, spend_transactions(revenue_spent_exactly(plan, programme, "P1"),
                                            {plan.area_code: plan}, capital_ids(programme))).books
    result = settle_pool(plan, "P1", books.transactions, RiskShare("fixed", ((plan.area_code, 50), (CCG, 50))),
                         YEAR_END)
    parts = dict(result.parts)
    assert parts.get(CCG, 0) == 0, f"the CCG was given {parts.get(CCG)} pence of unspent capital"
    assert parts.get(plan.area_code, 0) == 0


def _settled(plan: Plan, programme: ProgrammeYear, funded: Books, agreement: RiskShare, when: YearEnd | date,
             extra: list[Payment] | None = None) -> tuple[Books, Settlement]:
    pays = revenue_spent_exactly(plan, programme, "P1") + (extra or [])
    books = post(funded, spend_transactions(pays, {plan.area_code: plan}, capital_ids(programme))).books
    result = settle_pool(plan, "P1", books.transactions, agreement, when)
    return post(books, result.transactions).books, result


def _capital_received(plan: Plan, programme: ProgrammeYear, stream: str) -> int:
    return sum(f.amount.pence for f in plan.funding if f.pool == "P1" and f.stream == stream)


def test_in_a_two_tier_area_unspent_dfg_passes_to_the_districts(plan: Plan, programme: ProgrammeYear,
                                                                 funded: Books) -> None:
    when = YearEnd("bcf-2015-16", date(2015, 4, 1), YEAR_END, frozenset({"la-dfg"}), ("E07000207", "E07000208"),
                   "Surrey")
    dfg = next(s for s in plan.schemes if s.source == "la-dfg")
    part_spent = Payment(3, plan.area_code, date(2015, 12, 1), dfg.ref, dfg.provider, 100_000_00, "dfg-part")
    books, result = _settled(plan, programme, funded, RiskShare("fixed", ((plan.area_code, 1), (CCG, 1))), when,
                             [part_spent])
    lines = {c.stream: c for c in result.capital}
    unspent_dfg = _capital_received(plan, programme, "la-dfg") - 100_000_00
    assert lines["la-dfg"].to_districts == unspent_dfg and lines["la-dfg"].carried_forward == 0
    assert lines["la-social-care-capital"].to_districts == 0     # only the DFG passes to districts
    assert lines["la-social-care-capital"].carried_forward == _capital_received(plan, programme,
                                                                                "la-social-care-capital")
    assert dict(result.parts).get(CCG, 0) == 0
    bal = {a: v for (_, p, a), v in balances(books.transactions, until=YEAR_END).items() if p == "P1"}
    assert -bal[acc.district_councils("DistrictCouncils")] == unspent_dfg
    capital_txn = next(t for t in result.transactions if t.key.startswith("capital:"))
    assert "E07000207, E07000208" in capital_txn.narration and "does not hold" in capital_txn.narration
    assert net_position(bal) == 0      # both funds end the year at nil


def test_a_missing_district_list_is_said_plainly(plan: Plan, programme: ProgrammeYear, funded: Books) -> None:
    when = YearEnd("bcf-2015-16", date(2015, 4, 1), YEAR_END, frozenset({"la-dfg"}), (), "Somewhere")
    _, result = _settled(plan, programme, funded, RiskShare(), when)
    capital_txn = next(t for t in result.transactions if t.key.startswith("capital:"))
    assert "district councils of Somewhere" in capital_txn.narration
    assert "district list for this area is not in carepool's reference data" in capital_txn.narration


def test_unspent_capital_carries_forward_and_opens_next_year(plan: Plan, programme: ProgrammeYear,
                                                             funded: Books) -> None:
    books, result = _settled(plan, programme, funded, RiskShare(), YEAR_END)   # a unitary area: nothing to districts
    capital = sum(_capital_received(plan, programme, s) for s in capital_ids(programme))
    assert capital > 0 and capital_ids(programme)
    assert sum(c.carried_forward for c in result.capital) == capital
    assert all(c.to_districts == 0 for c in result.capital)
    opening = next(t for t in result.transactions if t.key.startswith("open:2016-17:"))
    assert opening.on == date(2016, 4, 1)
    next_year = {a: v for (_, p, a), v in balances(books.transactions).items() if p == "P1"}
    for stream in capital_ids(programme):
        assert -next_year[acc.brought_forward(acc.CAPITAL, stream)] == _capital_received(plan, programme, stream)
        assert next_year.get(acc.reserve(acc.CAPITAL, stream), 0) == 0    # the reserve is released on 1 April
    assert next_year[acc.fund_cash(acc.CAPITAL)] == capital                # the money is still in the pool


def test_an_underspend_agreed_to_stay_opens_next_years_books(plan: Plan, programme: ProgrammeYear,
                                                             funded: Books) -> None:
    refund = Payment(4, plan.area_code, date(2016, 1, 5), "S01", "Mental health trust", -1_234_567_89, "credit")
    agreement = RiskShare("fixed", ((plan.area_code, 1), (CCG, 1)), carry_forward_pct=25)
    books, result = _settled(plan, programme, funded, agreement, YEAR_END, [refund])
    assert result.net == 1_234_567_89
    assert result.retained == 1_234_567_89 * 25 // 100 == 308_641_97
    parts = dict(result.parts)
    assert sum(parts.values()) + result.retained == result.net              # exact to the penny
    assert abs(parts[CCG] - parts[plan.area_code]) <= 1
    opening = next(t for t in result.transactions if t.key.startswith("open:"))
    assert {p.account: p.pence for p in opening.postings}[acc.brought_forward(acc.REVENUE)] == -result.retained
    year_two = {a: v for (_, p, a), v in balances(t for t in books.transactions if t.on >= date(2016, 4, 1)).items()
                if p == "P1"}
    assert -year_two[acc.brought_forward(acc.REVENUE)] == result.retained


def test_settling_again_changes_nothing_and_next_year_stands_alone(plan: Plan, programme: ProgrammeYear,
                                                                   funded: Books) -> None:
    agreement = RiskShare(carry_forward_pct=100)
    refund = Payment(4, plan.area_code, date(2016, 1, 5), "S01", "Mental health trust", -5_00, "credit")
    books, first = _settled(plan, programme, funded, agreement, YEAR_END, [refund])
    again = settle_pool(plan, "P1", books.transactions, agreement, YEAR_END)
    assert again.transactions == first.transactions
    assert post(books, again.transactions).posted == ()
    year_two = YearEnd("bcf-2016-17", date(2016, 4, 1), date(2017, 3, 31))
    second = settle_pool(plan, "P1", books.transactions, agreement, year_two)
    assert second.net == 5_00           # only the brought-forward revenue: 2015-16 is not counted again
    assert {c.stream: c.brought_forward for c in second.capital} == {
        s: _capital_received(plan, programme, s) for s in capital_ids(programme)}


def test_a_capital_overspend_is_carried_as_a_deficit_never_shared(plan: Plan, programme: ProgrammeYear,
                                                                   funded: Books) -> None:
    cap = next(s for s in plan.schemes if s.source == "la-social-care-capital")
    over = _capital_received(plan, programme, "la-social-care-capital") + 7_00
    pay = Payment(5, plan.area_code, date(2016, 2, 1), cap.ref, cap.provider, over, "cap-over")
    _, result = _settled(plan, programme, funded, RiskShare("fixed", ((plan.area_code, 1), (CCG, 1))), YEAR_END,
                         [pay])
    line = next(c for c in result.capital if c.stream == "la-social-care-capital")
    assert line.carried_forward == -7_00
    assert dict(result.parts).get(CCG, 0) == 0


def test_carry_forward_must_be_a_percentage() -> None:
    with pytest.raises(InputError):
        RiskShare(carry_forward_pct=101)
