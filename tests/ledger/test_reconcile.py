"""Reconciling the pool's books with the host's general ledger: pure matching, then the files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from carepool.demo.host_ledger import extract_rows, host_codes, scheme_account, write_extract, write_mapping
from carepool.exchange import host_extract
from carepool.exchange.host_extract import read_host_extract, read_mapping
from carepool.ledger import Books, Payment, financial_year, post, spend_transactions
from carepool.ledger.contributions import capital_streams
from carepool.ledger.reconcile import INCOME, MapRule, check_mapping, reconcile
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear

YEAR = financial_year(2015)


@pytest.fixture
def spent(plan: Plan, programme: ProgrammeYear, funded: Books) -> Books:
    pays = [Payment(1, plan.area_code, date(2015, 7, 10), "S01", "Care Ltd", 250_000, "A"),
            Payment(2, plan.area_code, date(2015, 11, 2), "S16", "Care Ltd", 100_001, "B")]
    return post(funded, spend_transactions(pays, {plan.area_code: plan}, capital_streams(programme))).books


def test_an_extract_made_from_the_books_agrees(plan: Plan, spent: Books) -> None:
    rows = extract_rows(plan, spent.transactions, YEAR)
    result = reconcile(rows, host_codes(plan), spent.transactions, plan.area_code, YEAR.start, YEAR.end)
    assert result.agrees and result.agreed > 12 and result.rows_not_the_pools == 2
    assert result.host_total == result.books_total


def test_every_difference_is_listed_with_its_rows(plan: Plan, spent: Books) -> None:
    rows = extract_rows(plan, spent.transactions, YEAR)
    s01 = next(r for r in rows if r.account == scheme_account("S01"))
    changed = [replace(r, pence=r.pence + 1) if r is s01 else r for r in rows]          # a penny out
    extra = replace(s01, row=999, month="2016-03", pence=4_000_00)                       # host only
    result = reconcile([*changed, extra], host_codes(plan), spent.transactions, plan.area_code, YEAR.start, YEAR.end)
    assert not result.agrees
    by_month = {d.month: d for d in result.differences}
    assert set(by_month) == {"2015-07", "2016-03"}
    assert by_month["2015-07"].difference == 1 and by_month["2015-07"].rows == (s01.row,)
    assert by_month["2015-07"].transactions == (f"spend:{plan.area_code}:A",)
    assert by_month["2016-03"].rows == (999,) and by_month["2016-03"].transactions == ()
    assert "in the host's ledger only" in by_month["2016-03"].explain()


def test_a_payment_missing_from_the_host_is_a_difference(plan: Plan, spent: Books) -> None:
    rows = [r for r in extract_rows(plan, spent.transactions, YEAR) if r.account != scheme_account("S16")]
    result = reconcile(rows, host_codes(plan), spent.transactions, plan.area_code, YEAR.start, YEAR.end)
    (only,) = result.differences
    assert (only.target, only.host, only.books, only.rows) == ("S16", 0, 100_001, ())
    assert "in the pool's books only" in only.explain()


def test_books_the_mapping_does_not_name_are_reported_not_hidden(plan: Plan, spent: Books) -> None:
    rules = [r for r in host_codes(plan) if r.target != "S01"]
    rows = extract_rows(plan, spent.transactions, YEAR)
    result = reconcile(rows, rules, spent.transactions, plan.area_code, YEAR.start, YEAR.end)
    assert ("P1", "S01", 250_000) in result.not_mapped


def test_a_mapping_must_name_the_plans_pools_and_schemes(plan: Plan) -> None:
    rules = [MapRule(2, "CC1", "1", "P9", INCOME), MapRule(3, "CC1", "2", "P2", "S01"),
             MapRule(4, "CC1", "2", "P1", "S01")]
    found = check_mapping(rules, plan, "map.csv")
    assert [(f.rule, f.location.row, f.location.field) for f in found] == [
        ("reconcile.mapping-pool", 2, "pool"), ("reconcile.mapping-target", 3, "maps_to"),
        ("reconcile.mapping-duplicate", 4, "account")]


def test_the_files_round_trip_csv_xlsx_and_yaml(plan: Plan, spent: Books, tmp_path: Path) -> None:
    rows = extract_rows(plan, spent.transactions, YEAR)
    extract = write_extract(rows, tmp_path / "host.csv")
    mapping = write_mapping(host_codes(plan), tmp_path / "map.csv")
    read, found = read_host_extract(extract, YEAR)
    assert found == [] and read == rows
    rules, found = read_mapping(mapping)
    assert found == [] and rules == host_codes(plan)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cost Centre", "Account", "Period", "Amount"])
    sheet.append(["BCF-P1", 5001, "P04", -12.5])        # numbers as Excel stores them; period 4 is July
    sheet.append(["BCF-P1", "5001", date(2015, 8, 3), "(1,000.00)"])
    book.save(tmp_path / "host.xlsx")
    read, found = read_host_extract(tmp_path / "host.xlsx", YEAR)
    assert found == []
    assert [(r.row, r.account, r.month, r.pence) for r in read] == [(2, "5001", "2015-07", -1250),
                                                                    (3, "5001", "2015-08", -100000)]
    (tmp_path / "map.yaml").write_text("codes:\n  - {cost_centre: BCF-P1, account: '*', pool: P1, maps_to: S01}\n",
                                       encoding="utf-8")
    rules, found = read_mapping(tmp_path / "map.yaml")
    assert found == [] and rules == [MapRule(1, "BCF-P1", "*", "P1", "S01")]


def test_bad_files_give_every_finding_with_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("cost_centre,account,period,amount\nBCF-P1,5001,2015-13,12.00\n,5002,P02,abc\n"
                   "BCF-P1,5003,2014-07,1.00\n", encoding="utf-8")
    rows, found = read_host_extract(bad, YEAR)
    assert rows == []
    assert [(f.location.file, f.location.row, f.location.field) for f in found] == [
        ("bad.csv", 2, "period"), ("bad.csv", 3, "cost_centre"), ("bad.csv", 3, "amount"), ("bad.csv", 4, "period")]
    headless = tmp_path / "cols.csv"
    headless.write_text("cc,account,period,amount\nX,1,P1,1\n", encoding="utf-8")
    assert [(f.rule, f.location.field) for f in read_host_extract(headless, YEAR)[1]] == [
        ("extract.columns", "cost_centre")]


def test_inputs_are_bounded_before_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.csv"
    big.write_text("cost_centre,account,period,amount\n" + "BCF-P1,5001,P01,1.00\n" * 20, encoding="utf-8")
    monkeypatch.setattr(host_extract, "MAX_BYTES", 100)
    assert [f.rule for f in read_host_extract(big, YEAR)[1]] == ["reconcile.file-size"]
    monkeypatch.setattr(host_extract, "MAX_BYTES", 10_000)
    monkeypatch.setattr(host_extract, "MAX_ROWS", 5)
    rows, found = read_host_extract(big, YEAR)
    assert [(f.rule, f.location.row) for f in found] == [("extract.rows", 7)] and len(rows) == 5


def test_performance_and_year_end_entries_are_reconciled_too(plan: Plan, spent: Books) -> None:
    from carepool.ledger import RiskShare, settle_pool, transaction, transfer
    from carepool.ledger import accounts as acc

    paid = transaction("perf:test", plan.area_code, "P1", date(2015, 10, 20), "performance", "paid to acute",
                       transfer(acc.PAID_TO_ACUTE, acc.HELD_BACK, 500_00))
    books = post(spent, [paid]).books
    books = post(books, settle_pool(plan, "P1", books.transactions, RiskShare(), YEAR.end).transactions).books
    rows = extract_rows(plan, books.transactions, YEAR)
    assert {r.account for r in rows} >= {"9200", "9900"}
    result = reconcile(rows, host_codes(plan), books.transactions, plan.area_code, YEAR.start, YEAR.end)
    assert result.agrees
    without_year_end = [r for r in rows if r.account != "9900"]
    missing = reconcile(without_year_end, host_codes(plan), books.transactions, plan.area_code, YEAR.start, YEAR.end)
    assert [(d.month, d.target, d.host) for d in missing.differences] == [("2016-03", "year-end", 0)]
