from __future__ import annotations

from pathlib import Path

import pytest

from carepool.budgets.budget import check_budget
from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Funder
from carepool.budgets.payments import recovery_due
from carepool.budgets.records import read_dataset, write_dataset
from carepool.budgets.rules_file import DEFAULT_RULES, read_rules
from carepool.budgets.statement import statement, summary
from carepool.budgets.synthetic import synthetic_dataset
from carepool.errors import InputError, NotFound
from carepool.money import Money, total
from carepool.reference import load_reference

AREAS = ("E08000035", "E06000023")


@pytest.fixture(scope="module")
def data() -> Dataset:
    rules, _ = read_rules(DEFAULT_RULES)
    return synthetic_dataset(load_reference(), AREAS, 120, rules, seed=11)


def test_generation_is_deterministic_and_covers_the_four_cohorts(data: Dataset) -> None:
    rules, _ = read_rules(DEFAULT_RULES)
    again = synthetic_dataset(load_reference(), AREAS, 120, rules, seed=11)
    assert again.accounts == data.accounts and again.spend == data.spend
    assert {p.cohort for p in data.people} == {"older-frailty", "children-complex", "learning-disability",
                                               "serious-mental-illness"}
    assert {p.area_code for p in data.people} == set(AREAS)
    assert all(check_budget(b) == [] for b in data.budgets)


def test_a_year_of_payments_conserves_money(data: Dataset) -> None:
    assert len(data.accounts) == len(data.people) > 0
    for account in data.accounts.values():
        recovery = recovery_due(account)
        for funder in Funder:
            on_schedule = account.paid_on_schedule(funder)
            assert on_schedule == account.budget.element(funder) + recovery.get(funder, Money(0))
            assert account.paid_by(funder) <= account.limit(funder) + recovery.get(funder, Money(0))
    s = summary(data)
    extras = sum(a.authorised_extra(f).pence for a in data.accounts.values() for f in Funder)
    assert s["paid_total_pence"] == s["budget_total_pence"] + extras
    assert s["authorisations"] > 0 and s["reviews"] > 0 and s["illustrative"] is True
    assert sum(s["people_by_cohort"].values()) == 120


def test_files_round_trip_exactly(data: Dataset, tmp_path: Path) -> None:
    write_dataset(data, tmp_path)
    back = read_dataset(tmp_path)
    assert back.accounts == data.accounts
    assert back.spend == data.spend
    person = data.people[0].id
    assert statement(back, person) == statement(data, person)
    assert "illustrative" in (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()[0]


def test_statement_shows_versions_and_refuses_unknown_people(data: Dataset) -> None:
    reviewed = next(a for a in data.accounts.values() if len(a.history.versions) > 1)
    s = statement(data, reviewed.budget.person_id)
    assert [v["version"] for v in s["versions"]] == [1, 2]
    assert s["budget"]["total"] == reviewed.budget.total.plain()
    assert s["paid"]["total"] == total(p.amount for p in reviewed.paid).plain()
    with pytest.raises(NotFound):
        statement(data, "nobody")


def test_broken_files_are_reported_with_where(tmp_path: Path, data: Dataset) -> None:
    write_dataset(data, tmp_path)
    text = (tmp_path / "payments.csv").read_text(encoding="utf-8").splitlines()
    row = text[1].split(",")
    row[8] = "12.50"
    (tmp_path / "payments.csv").write_text("\n".join([text[0], ",".join(row), *text[2:]]), encoding="utf-8")
    with pytest.raises(InputError, match=r"payments\.csv row 2"):
        read_dataset(tmp_path)
    with pytest.raises(InputError):
        read_dataset(tmp_path / "missing")
