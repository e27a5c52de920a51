"""Posting a two-year plan's money year by year, in the store (SQLite and PostgreSQL) and the CLI.

Reproduction (money-years): `post_contributions(store, "bcf-2023-25")` posted the two-year
totals of contributions and scheme budgets, all in 2023-24.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger import balances
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.sample_2023 import sample_plan_2023
from carepool.programme import load_programme
from carepool.services import ledger
from carepool.services import plans as plan_svc
from carepool.store.db import Store, open_store

YEAR = "bcf-2023-25"
AREA = "E08000018"      # Rotherham: the same code in the 2015 and 2023 geographies


def assure_2023_25(store: Store) -> Plan:
    plan = sample_plan_2023(AREA, load_programme(YEAR), seed=2, signed=True)
    at = datetime(2023, 3, 1, 9, tzinfo=UTC)
    plan_svc.import_plan(store, plan, actor="setup", at=at, source="plan")
    for p in plan.partners:
        if p.kind in ("la", "icb"):
            plan_svc.sign_off(store, AREA, YEAR, p.code, actor="setup", at=at)
    plan_svc.sign_off_hwb(store, AREA, YEAR, actor="setup", at=at)
    plan_svc.submit(store, AREA, YEAR, actor="setup", at=at + timedelta(days=1))
    plan_svc.assure(store, AREA, YEAR, "approved", actor="setup", at=at + timedelta(days=2))
    return plan


def money_in_books(store: Store) -> tuple[int, int, dict[str, int]]:
    """(contributions, scheme budgets, budget by scheme) in the books, in pence."""
    bal = balances(ledger.area_transactions(store, AREA))
    contributed = -sum(v for (_, _, a), v in bal.items() if acc.is_contribution(a))
    budgets = {a.rsplit(":", 1)[-1]: v for (_, _, a), v in bal.items() if a.startswith("Equity:Memo:Budget:Schemes:")}
    return contributed, sum(budgets.values()), budgets


def test_posting_2023_24_then_2024_25_posts_each_years_figures_to_the_penny(store: Store) -> None:
    plan = assure_2023_25(store)
    in_year = {y: sum(f.amount.pence for f in plan.funding if f.plan_year == y) for y in ("2023-24", "2024-25")}
    budgets = {y: {s.ref: s.amount_for(y).pence for s in plan.schemes if s.amount_for(y).pence}
               for y in ("2023-24", "2024-25")}
    assert all(in_year.values()) and in_year["2023-24"] != plan.pooled_total.pence

    first = ledger.post_contributions(store, YEAR, plan_year="2023-24")
    assert first.plan_year == "2023-24" and first.amount == Money(in_year["2023-24"])
    contributed, budgeted, by_scheme = money_in_books(store)
    assert contributed == in_year["2023-24"]
    assert by_scheme == budgets["2023-24"] and budgeted == sum(budgets["2023-24"].values())
    assert max(t.on for t in ledger.area_transactions(store, AREA)).isoformat() <= "2024-03-31"

    second = ledger.post_contributions(store, YEAR, plan_year="2024-25")
    assert second.plan_year == "2024-25" and second.amount == Money(in_year["2024-25"])
    assert second.posted > 0
    contributed, budgeted, _ = money_in_books(store)
    assert contributed == plan.pooled_total.pence         # the two years together: the plan's totals
    assert budgeted == plan.schemes_total.pence
    assert ledger.post_contributions(store, YEAR, plan_year="2024-25").posted == 0   # idempotent per year
    later = [t for t in ledger.area_transactions(store, AREA) if t.on.isoformat() >= "2024-04-01"]
    assert -sum(v for (_, _, a), v in balances(later).items() if acc.is_contribution(a)) == in_year["2024-25"]


def test_a_two_year_plan_posted_without_its_plan_year_is_refused_and_nothing_posted(store: Store) -> None:
    assure_2023_25(store)
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        ledger.post_contributions(store, YEAR)
    assert ledger.area_transactions(store, AREA) == []


def test_the_cli_names_the_plan_year_it_posts(store_url: str) -> None:
    store = open_store(store_url)
    plan = assure_2023_25(store)
    refused = CliRunner().invoke(app, ["ledger", "post-contributions", "--year", YEAR, "--db", store_url])
    assert refused.exit_code != 0 and "--plan-year" in refused.output
    done = CliRunner().invoke(app, ["ledger", "post-contributions", "--year", YEAR, "--plan-year", "2024-25",
                                    "--db", store_url])
    assert done.exit_code == 0, done.output
    out = " ".join(done.output.split())
    assert "plan year 2024-25 of bcf-2023-25" in out
    assert str(Money(sum(f.amount.pence for f in plan.funding if f.plan_year == "2024-25"))) in out
    assert money_in_books(store)[0] == sum(f.amount.pence for f in plan.funding if f.plan_year == "2024-25")
