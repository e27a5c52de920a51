"""Personal budgets in the store: a cohort loads in one transaction, its pool-funded payments are
posted to the stored ledger to the penny, it reads back exactly, and a refused load changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Funder, Share
from carepool.budgets.records import write_dataset
from carepool.budgets.versions import BudgetHistory
from carepool.cli.main import app
from carepool.errors import ConflictError, NotFound, ValidationFailed
from carepool.ledger.transactions import transaction
from carepool.money import Money
from carepool.services import budgets, ledger
from carepool.store import budget_repo, budget_tables, ledger_tables
from carepool.store.db import Store, open_store
from carepool.store.types import as_utc

ROTHERHAM, SHEFFIELD = "E08000018", "E08000019"


@pytest.fixture(scope="module")
def cohort() -> Dataset:
    return budgets.synthetic_dataset([ROTHERHAM, SHEFFIELD], 60, seed=11)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(str(tmp_path / "budgets.db"))
    yield opened  # type: ignore[misc]
    opened.dispose()


def snapshot(store: Store) -> dict[str, Any]:
    """Row counts of every budgets and ledger table, and the ledger's trial balance."""
    with store.transaction() as session:
        counts = {t.name: session.scalar(select(func.count()).select_from(t))
                  for t in (*budget_tables.TABLES, ledger_tables.transactions, ledger_tables.postings,
                            ledger_tables.batches)}
    balance = [(x.area, x.pool, x.account, x.debit, x.credit) for x in ledger.trial_balance(store).lines]
    return {"counts": counts, "balance": balance}


def test_a_cohort_is_stored_and_its_payments_posted_to_the_ledger_to_the_penny(store: Store, cohort: Dataset) -> None:
    loaded = budgets.load_dataset(store, cohort, actor="test")
    pool_paid = sum(p.amount.pence for p in cohort.payments if p.funder is not Funder.PERSON)
    own = sum(p.amount.pence for p in cohort.payments if p.funder is Funder.PERSON)
    assert (loaded.people, loaded.pool_pence, loaded.outside_pool_pence) == (60, pool_paid, own)
    assert loaded.paid_pence == pool_paid + own and own > 0
    assert loaded.transactions == sum(1 for p in cohort.payments if p.funder is not Funder.PERSON)
    lines = ledger.trial_balance(store).lines
    expense = sum(x.debit - x.credit for x in lines if x.account.startswith("Expenses:PersonalBudgets:"))
    fund = sum(x.debit - x.credit for x in lines if x.account == "Assets:Fund")
    assert expense == pool_paid and fund == -pool_paid       # conserved: every penny out of the fund is spent
    assert not ledger.trial_balance(store).unbalanced_pools()
    assert set(loaded.pools) == {ROTHERHAM, SHEFFIELD}


def test_what_is_stored_reads_back_exactly(store: Store, cohort: Dataset) -> None:
    budgets.load_dataset(store, cohort)
    with store.transaction() as session:
        back = budget_repo.read_people(session)
    assert [p.id for p in back.people] == sorted(p.id for p in cohort.people) and cohort.people
    for person in cohort.people:
        mine, stored = cohort.accounts[person.id], back.accounts[person.id]
        assert sorted(mine.paid, key=lambda p: p.key) == sorted(stored.paid, key=lambda p: p.key)
        assert [(a.ref, a.extra, as_utc(a.at)) for a in mine.authorisations] == [
            (a.ref, a.extra, a.at) for a in stored.authorisations]
        for v1, v2 in zip(mine.history.versions, stored.history.versions, strict=True):
            assert (v1.number, v1.by, as_utc(v1.at), v1.reason) == (v2.number, v2.by, v2.at, v2.reason)
            assert v1.budget.total == v2.budget.total and v1.budget.contribution == v2.budget.contribution
            assert [(x.ref, x.cost, *(x.amount_for(f) for f in Funder)) for x in v1.budget.lines] == [
                (x.ref, x.cost, *(x.amount_for(f) for f in Funder)) for x in v2.budget.lines]
    assert sorted(cohort.spend, key=lambda s: (s.person_id, s.on)) == sorted(back.spend,
                                                                             key=lambda s: (s.person_id, s.on))


def test_a_second_load_of_the_same_people_is_refused_and_changes_nothing(store: Store, cohort: Dataset) -> None:
    budgets.load_dataset(store, cohort)
    before = snapshot(store)
    with pytest.raises(ConflictError, match="already stored"):
        budgets.load_dataset(store, cohort)
    assert snapshot(store) == before


def test_an_unsound_budget_is_refused_before_anything_is_written(store: Store, cohort: Dataset) -> None:
    before = snapshot(store)
    person = cohort.people[0].id
    account = cohort.accounts[person]
    first = account.history.versions[0]
    line = first.budget.lines[0]
    broken_line = replace(line, shares=(Share(Funder.NHS, line.cost + Money(1)),))   # one penny too many
    broken = replace(first, budget=replace(first.budget, lines=(broken_line, *first.budget.lines[1:])))
    accounts = {**cohort.accounts, person: replace(account, history=BudgetHistory(
        (broken, *account.history.versions[1:])))}
    with pytest.raises(ValidationFailed) as refused:
        budgets.load_dataset(store, replace(cohort, accounts=accounts))
    assert any(f.rule == "budget.shares-mismatch" and person in f.message for f in refused.value.findings)
    assert snapshot(store) == before


def test_a_load_the_ledger_refuses_rolls_back_the_budgets_written_before_it(store: Store, cohort: Dataset) -> None:
    """The budget rows are written first, then the ledger refuses a closed period: nothing stays."""
    ledger.close_period(store, SHEFFIELD, "2015-16", actor="test")
    before = snapshot(store)
    with pytest.raises(ConflictError, match="closed"):
        budgets.load_dataset(store, cohort)
    assert snapshot(store) == before
    assert before["counts"]["budget_people"] == 0


def test_a_ledger_key_used_before_for_something_else_refuses_the_whole_load(store: Store, cohort: Dataset) -> None:
    key = next(p.key for p in cohort.payments if p.funder is Funder.NHS)
    ledger.post_batch(store, [transaction(key=key, area=ROTHERHAM, pool="P1", on=date(2015, 4, 1), kind="spend",
                                          narration="something else", postings=[("Expenses:Other", 100),
                                                                                ("Assets:Fund", -100)])], "test")
    before = snapshot(store)
    with pytest.raises(ConflictError):
        budgets.load_dataset(store, cohort)
    assert snapshot(store) == before


def test_an_area_view_and_a_person_view(store: Store, cohort: Dataset) -> None:
    budgets.load_dataset(store, cohort)
    view = budgets.area_budgets(store, ROTHERHAM)
    mine = [p for p in cohort.people if p.area_code == ROTHERHAM]
    assert [r.person_id for r in view.rows] == sorted(p.id for p in mine) and view.illustrative
    row = view.rows[0]
    budget = cohort.accounts[row.person_id].budget
    assert (row.nhs, row.care, row.contribution) == (budget.nhs_element, budget.care_element, budget.contribution)
    assert row.nhs + row.care == row.total == budget.total
    assert view.totals()["paid"] == Money(sum(p.amount.pence for x in mine for p in cohort.accounts[x.id].paid))
    assert view.as_of == date(2016, 3, 31)
    person = budgets.person_budget(store, ROTHERHAM, row.person_id)
    paid = cohort.accounts[row.person_id].paid
    assert person.ledger_posted == Money(sum(p.amount.pence for p in paid if p.funder is not Funder.PERSON))
    assert sum(g.amount.pence for g in person.routes) == sum(p.amount.pence for p in paid)
    assert all((r.ledger_key is None) == (r.payment.funder is Funder.PERSON) for g in person.routes for r in g.payments)
    with pytest.raises(NotFound):
        budgets.person_budget(store, SHEFFIELD, row.person_id)     # found only in their own area
    early = budgets.area_budgets(store, ROTHERHAM, as_of=date(2015, 6, 30))
    assert early.totals()["spent"] < view.totals()["spent"]
    assert budgets.outcomes_by_area(store)[ROTHERHAM] == (sum(r.alert is None for r in view.rows), len(view.rows))


def test_cli_load_reads_the_demo_files_and_refuses_a_second_load(tmp_path: Path, cohort: Dataset) -> None:
    write_dataset(cohort, tmp_path / "cohort" / "budgets")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    first = runner.invoke(app, ["budgets", "load", "--data", str(tmp_path / "cohort"), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    result = json.loads(first.output)
    assert result["people"] == 60 and result["pool_pence"] + result["outside_pool_pence"] == result["paid_pence"]
    again = runner.invoke(app, ["budgets", "load", "--data", str(tmp_path / "cohort"), "--db", db])
    assert again.exit_code != 0 and "already stored" in again.output
