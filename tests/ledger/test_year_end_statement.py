"""The year-end statement (Section 75 annual report shape) agrees with the books to the penny."""

from __future__ import annotations

from datetime import date

from carepool.ledger import Books, Payment, RiskShare, post, settle_pool, spend_transactions
from carepool.ledger.contributions import capital_streams
from carepool.ledger.year_end import YearEnd
from carepool.ledger.year_end_statement import year_end_statement
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear

START, END = date(2015, 4, 1), date(2016, 3, 31)


def _year(plan: Plan, programme: ProgrammeYear, funded: Books) -> Books:
    dfg = next(s for s in plan.schemes if s.source == "la-dfg")
    pays = [Payment(1, plan.area_code, date(2015, 7, 10), "S01", "=HYPERLINK(\"x\")", 250_000_00, "A"),
            Payment(2, plan.area_code, date(2015, 8, 10), "S01", "Care Ltd", 100_000_01, "B"),
            Payment(3, plan.area_code, date(2015, 9, 1), dfg.ref, "Adaptations Ltd", 40_000_00, "C")]
    books = post(funded, spend_transactions(pays, {plan.area_code: plan}, capital_streams(programme))).books
    when = YearEnd("bcf-2015-16", START, END, frozenset({"la-dfg"}), ("E07000207",), "Testshire")
    for pool in ("P1", "P2"):
        result = settle_pool(plan, pool, books.transactions, RiskShare("proportional", carry_forward_pct=10), when)
        books = post(books, result.transactions).books
    return books


def test_every_section_agrees_with_the_plan_and_the_payments(plan: Plan, programme: ProgrammeYear,
                                                             funded: Books) -> None:
    books = _year(plan, programme, funded)
    names = {p.code: p.name for p in plan.partners}
    schemes = {s.ref: (s.name, s.source) for s in plan.schemes}
    found = year_end_statement(books.transactions, plan.area_code, "bcf-2015-16", START, END, names, schemes)
    sections = {s.title: s.rows for s in found.sections}
    assert list(sections) == ["Income by partner and stream", "Expenditure by scheme and provider",
                              "Capital (a separate fund)", "Risk-share settlement (revenue)", "Carried forward"]
    income = sections["Income by partner and stream"]
    contributions = [r for r in income if r[1] in names.values()]
    assert sum(r[4].pence for r in contributions) == plan.pooled_total.pence
    assert ("P1", "Rotherham Council", "la-dfg", "capital",
            Money(sum(f.amount.pence for f in plan.funding if f.stream == "la-dfg"))) in income
    spend = sections["Expenditure by scheme and provider"]
    s01 = [r for r in spend if str(r[1]).startswith("S01 ")]
    assert {(r[2], r[4].pence) for r in s01} == {('=HYPERLINK("x")', 250_000_00), ("Care Ltd", 100_000_01)}
    capital = {r[1]: r[4].pence for r in sections["Capital (a separate fund)"]}
    dfg = sum(f.amount.pence for f in plan.funding if f.stream == "la-dfg")
    assert capital["la-dfg: received"] == dfg and capital["la-dfg: spent"] == 40_000_00
    assert capital["la-dfg: passed to district councils"] == dfg - 40_000_00
    assert "la-dfg: carried forward" not in capital
    assert capital["la-social-care-capital: carried forward"] == capital["la-social-care-capital: received"]
    settlement = sections["Risk-share settlement (revenue)"]
    before = next(r[4].pence for r in settlement if r[0] == "P1" and r[1].startswith("revenue net position"))
    shared = sum(r[4].pence for r in settlement if r[0] == "P1" and r[1].startswith(("underspend", "overspend")))
    kept = next(r[4].pence for r in settlement if r[0] == "P1" and r[1].startswith("underspend kept"))
    assert kept == before * 10 // 100 and shared == before    # returned + kept = the underspend, to the penny
    carried = sections["Carried forward"]
    opens = next(r for r in carried if r[0] == "P1" and str(r[1]).startswith("opens next year's books"))
    assert opens[2] == f"journal open:2016-17:{plan.area_code}:P1"
    assert opens[4].pence == sum(r[4].pence for r in carried if r[0] == "P1" and r[1] == "carried forward")
    assert all(r[4].pence == 0 for r in carried if str(r[1]).startswith("check:"))
    flat = found.as_report()
    assert flat.columns[0] == "section" and len(flat.rows) == sum(len(s.rows) for s in found.sections)


def test_next_year_starts_from_the_brought_forward_balance(plan: Plan, programme: ProgrammeYear,
                                                           funded: Books) -> None:
    books = _year(plan, programme, funded)
    found = year_end_statement(books.transactions, plan.area_code, "bcf-2016-17", date(2016, 4, 1),
                               date(2017, 3, 31))
    income = found.sections[0].rows
    brought = [r for r in income if r[1] == "balance brought forward"]
    assert {r[2] for r in brought} >= {"revenue kept in the pool", "la-social-care-capital"}
    assert not [r for r in income if r[2] == "ccg-new-money"]     # 2015-16's contributions are not 2016-17's
