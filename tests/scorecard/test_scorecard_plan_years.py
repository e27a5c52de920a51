"""The scorecard's "spend against plan" for a two-year programme (2023-25), on SQLite and PostgreSQL:
the spend posted in the plan years reached so far against the plan's spend for those same years.

Reproduction: the ratio was every scheme payment in the area's books (any programme's, any date)
over the two-year plan's schemes total, so an area that spent its 2023-24 plan to the penny
scored about half, and another programme's payments counted too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from carepool.ledger import accounts as acc
from carepool.ledger.transactions import transaction, transfer
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import ledger, plans, scorecard
from carepool.store.db import Store

YEAR = "bcf-2023-25"
SOMERSET = "E06000066"


def _spend(store: Store, key: str, on: date, pence: int) -> None:
    ledger.post_batch(store, [transaction(f"test-spend:{key}", SOMERSET, "P1", on, "spend", "test payment",
                                          transfer(acc.scheme_spend("S1"), acc.FUND, pence))], key, actor="setup")


def test_a_two_year_plans_spend_is_set_against_the_plan_years_it_covers(store: Store) -> None:
    programme = load_programme(YEAR)
    plan = replace(synthetic_plan_2023(SOMERSET, programme, seed=3), illustrative=False)
    plans.import_plan(store, plan, actor="setup")
    first = sum(s.amount_for("2023-24").pence for s in plan.schemes)
    second = sum(s.amount_for("2024-25").pence for s in plan.schemes)
    assert first and second and first + second == plan.schemes_total.pence

    _spend(store, "before", date(2022, 6, 1), 777_777)          # 2022-23: not this plan's
    assert SOMERSET not in scorecard.spend_against_plan(store, programme, [plan]), "no spend in the plan yet"
    _spend(store, "first", date(2023, 9, 30), first)            # the 2023-24 plan, spent to the penny
    assert scorecard.spend_against_plan(store, programme, [plan])[SOMERSET] == (first, first, ("2023-24",))
    _spend(store, "second", date(2024, 4, 1), second // 2)      # half of 2024-25 so far
    assert scorecard.spend_against_plan(store, programme, [plan])[SOMERSET] == (
        first + second // 2, plan.schemes_total.pence, ("2023-24", "2024-25"))

    card = scorecard.compute(store, YEAR)
    row = card.row(SOMERSET)
    assert row is not None and "spend_vs_plan" not in row.missing
    assert "plan years" in card.evidence_used["spend_vs_plan"]
