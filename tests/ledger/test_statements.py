"""Statements read the same books in different ways; their figures must agree with the balances."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from carepool.exchange.ledger_reports import write_csv, write_excel
from carepool.ledger import Books, Payment, balances, post, spend_transactions, trial_balance
from carepool.ledger import statements as st
from carepool.ledger.contributions import capital_streams
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.programme import load_programme


def _spent(plan: Plan, funded: Books) -> Books:
    pays = [Payment(1, plan.area_code, date(2015, 7, 10), "S01", "Care Ltd", 250_000, "A"),
            Payment(2, plan.area_code, date(2015, 11, 2), "S01", "Care Ltd", 100_001, "B")]
    capital = capital_streams(load_programme(plan.year))
    return post(funded, spend_transactions(pays, {plan.area_code: plan}, capital)).books


def test_pool_statement_shows_each_partners_contribution_and_the_spend(plan: Plan, funded: Books) -> None:
    books = _spent(plan, funded)
    report = st.pool_statement(books.transactions, plan.area_code)
    rows = {(r[0], r[1], r[2]): r[3] for r in report.rows}
    income = sum(v.pence for (pool, section, _), v in rows.items() if pool == "P1" and section == "income")
    assert income == plan.pool_total("P1").pence
    assert rows[("P1", "expenditure", "schemes")] == Money(350_001)
    assert rows[("P1", "position", "net position (income less expenditure)")] == Money(income - 350_001)


def test_scheme_statement_counts_payments_and_what_is_left(plan: Plan, funded: Books) -> None:
    report = st.scheme_statement(_spent(plan, funded).transactions, plan.area_code)
    s01 = next(r for r in report.rows if r[1] == "S01")
    budget = next(s.amount for s in plan.schemes if s.ref == "S01")
    assert s01 == ("P1", "S01", budget, Money(350_001), budget - Money(350_001), 2)
    assert len(report.rows) == len(plan.schemes)


def test_income_and_expenditure_by_quarter_adds_up(plan: Plan, funded: Books) -> None:
    report = st.income_expenditure(_spent(plan, funded).transactions, plan.area_code,
                                   ("2015Q1", "2015Q2", "2015Q3", "2015Q4"))
    p1 = [r for r in report.rows if r[0] == "P1"]
    assert [r[3] for r in p1] == [Money(0), Money(250_000), Money(100_001), Money(0)]
    assert p1[-1][5] == Money(plan.pool_total("P1").pence - 350_001)


def test_partner_statement_and_trial_balance(plan: Plan, funded: Books, tmp_path: Path) -> None:
    partner = st.partner_statement(funded.transactions, "03L")
    assert sum(r[3].pence for r in partner.rows if isinstance(r[3], Money)) == sum(
        f.amount.pence for f in plan.funding if f.contributor == "03L")
    tb = st.trial_balance_report(trial_balance(balances(funded.transactions)))
    assert tb.rows[-1][3] == tb.rows[-1][4]
    path = write_csv(tb, tmp_path / "tb.csv")
    lines = list(csv.reader(path.open()))
    assert lines[0] == ["area", "pool", "account", "debit", "credit"] and lines[-1][2] == "total"
    book = load_workbook(write_excel([tb, partner], tmp_path / "r.xlsx"))
    assert len(book.worksheets) == 2
    assert Decimal(str(book.worksheets[0]["D2"].value)) == Decimal(lines[1][3])
