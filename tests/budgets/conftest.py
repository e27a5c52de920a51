"""Hand-made rules, plan items and budgets for the budgets tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from carepool.budgets.budget import build_budget
from carepool.budgets.model import Budget, Funder, PlanItem, Route
from carepool.budgets.whopays import RuleKind, RuleSet, WhoPaysRule
from carepool.money import Money

START, END = date(2015, 4, 1), date(2016, 3, 31)
AGREED = datetime(2015, 3, 1, 9)


def rule_set(*rules: WhoPaysRule, categories: tuple[str, ...] = ("nursing", "personal-care", "respite")) -> RuleSet:
    return RuleSet("test", "test agreement", categories, rules)


SOUND = rule_set(
    WhoPaysRule("H", RuleKind.HEALTH_LED, ("nursing",)),
    WhoPaysRule("C", RuleKind.CARE_LED, ("personal-care",)),
    WhoPaysRule("S", RuleKind.SHARES, ("respite",), ((Funder.NHS, 1), (Funder.LA, 1))),
)

ITEMS = (
    PlanItem("L1", "Nursing visits", "nursing", Money.pounds(1200)),
    PlanItem("L2", "Personal assistant", "personal-care", Money.pounds("6000.01")),
    PlanItem("L3", "Respite weeks", "respite", Money.pounds("1000.01")),
)


def make_budget(items: tuple[PlanItem, ...] = ITEMS, contribution: Money = Money.pounds(600),
                rules: RuleSet = SOUND, person: str = "P1") -> Budget:
    return build_budget(person_id=person, area_code="E08000035", ccg_code="02V", la_code="E08000035", start=START,
                        end=END, route=Route.DIRECT_PAYMENT, payee=f"{person} account", items=items, rules=rules,
                        contribution=contribution)


@pytest.fixture
def budget() -> Budget:
    return make_budget()
