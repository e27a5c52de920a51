"""Synthetic personal budgets: illustrative people, plans, budgets and a year of payments, from a seed.

Every person, need, cost and spending pattern here is generated from the seed and is
ILLUSTRATIVE, not a real person or a published figure. Areas, CCGs and their links come from
the shipped reference data. Some people are reviewed mid-year, some overspend and get an
authorised top-up, some underspend, so the statements and alerts have something to show.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from carepool.budgets.budget import build_budget
from carepool.budgets.cohorts import Cohort, load_cohorts
from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Budget, Funder, Person, PlanItem, Route
from carepool.budgets.payments import (
    Authorisation,
    BudgetAccount,
    PaymentInstruction,
    authorise,
    authorised_payment,
    due,
    months,
    pay,
    review,
)
from carepool.budgets.spend import SpendRecord
from carepool.budgets.versions import start_history
from carepool.budgets.whopays import RuleSet, fund_items
from carepool.money import Money, total
from carepool.reference.model import ReferenceData

Progress = Callable[[str], None]
THIRD_PARTIES = ("Independent living trust", "Home care co-operative", "Community interest company",
                 "Voluntary sector broker")
DESCRIPTIONS = {
    "personal-care": "Personal assistant hours", "community-nursing": "Community nursing visits",
    "equipment-adaptations": "Equipment and home adaptations", "carer-respite": "Carer respite breaks",
    "daily-living": "Help with daily living", "continuing-care": "Continuing care package",
    "therapy": "Therapy sessions", "short-breaks": "Short breaks", "supported-living": "Supported living",
    "day-opportunities": "Day opportunities", "health-support": "Health support worker",
    "mental-health-support": "Mental health recovery support", "employment-support": "Employment support",
}


def synthetic_dataset(
    ref: ReferenceData, areas: Sequence[str], people: int, rules: RuleSet, *, seed: int = 2015,
    year_start: date = date(2015, 4, 1), year_end: date = date(2016, 3, 31), progress: Progress | None = None,
) -> Dataset:
    """``people`` illustrative people spread over ``areas`` by population, each with a year of payments."""
    cohorts = load_cohorts()
    codes = [ref.area(a).code for a in areas]
    rng = random.Random(f"budgets:{seed}")
    weights = [ref.area(a).population_all_ages for a in codes]
    placed = rng.choices(codes, weights=weights, k=people)
    out_people: list[Person] = []
    accounts: dict[str, BudgetAccount] = {}
    spend: list[SpendRecord] = []
    for i, area in enumerate(placed):
        person_rng = random.Random(f"budgets:{seed}:{i}")
        chosen = person_rng.choices(cohorts, weights=[c.weight for c in cohorts])[0]
        person = Person(f"P{i + 1:05d}", area, chosen.id, person_rng.randint(*chosen.age_range))
        budget = _budget(person, chosen, ref, rules, person_rng, year_start, year_end)
        account, records = _year(person_rng, budget, rules, chosen)
        out_people.append(person)
        accounts[person.id] = account
        spend.extend(records)
        if progress is not None and (i + 1) % 1000 == 0:
            progress(f"generated {i + 1:,} of {people:,} illustrative people")
    return Dataset(seed, tuple(codes), tuple(out_people), accounts, tuple(spend), year_start, year_end)


def _items(cohort: Cohort, rng: random.Random, scale_pct: int = 100) -> list[PlanItem]:
    count = rng.randint(2, len(cohort.needs))
    chosen = rng.sample(cohort.needs, count)
    return [
        PlanItem(f"L{j + 1}", DESCRIPTIONS.get(need, need), need,
                 Money(rng.randint(low, high) * 100 * scale_pct // 100))
        for j, (need, low, high) in enumerate(chosen)
    ]


def _budget(person: Person, cohort: Cohort, ref: ReferenceData, rules: RuleSet, rng: random.Random,
            start: date, end: date, items: list[PlanItem] | None = None) -> Budget:
    links = ref.links_for_area(person.area_code)
    ccg = rng.choices([x.ccg_code for x in links], weights=[x.population for x in links])[0] if links else "unknown"
    items = items if items is not None else _items(cohort, rng)
    lines, _ = fund_items(items, rules)
    la_part = total(line.amount_for(Funder.LA) for line in lines)
    contribution = Money(la_part.pence * rng.randint(*cohort.contribution_rate) // 100)
    route = rng.choices(list(Route), weights=[5, 3, 2])[0]
    payee = {Route.DIRECT_PAYMENT: f"{person.id} direct payment account",
             Route.MANAGED_ACCOUNT: f"{person.area_code} managed account service",
             Route.THIRD_PARTY: rng.choice(THIRD_PARTIES)}[route]
    return build_budget(person_id=person.id, area_code=person.area_code, ccg_code=ccg, la_code=person.area_code,
                        start=start, end=end, route=route, payee=payee, items=items, rules=rules,
                        contribution=contribution)


def _year(rng: random.Random, budget: Budget, rules: RuleSet, cohort: Cohort) -> tuple[
        BudgetAccount, list[SpendRecord]]:
    agreed = datetime.combine(budget.start.replace(month=3, day=1), time(9))   # agreed before the year
    account = BudgetAccount(start_history(budget, by="joint panel (illustrative)", at=agreed))
    pattern = rng.choices([100, 60, 130], weights=[80, 12, 8])[0]   # % of plan actually spent each month
    review_month = rng.randint(5, 9) if rng.random() < 0.1 else None
    records: list[SpendRecord] = []
    for n, month in enumerate(months(budget), start=1):
        if n == review_month:
            account = _review(account, cohort, rules, rng, month)
        for instruction in due(account, month):
            account = pay(account, instruction)
        monthly = account.budget.total.pence // 12
        records.append(SpendRecord(budget.person_id, month.replace(day=28), "L1", Money(monthly * pattern // 100)))
        if pattern > 100 and n == 9:
            account = _top_up(account, month, rng)
    return account, records


def _review(account: BudgetAccount, cohort: Cohort, rules: RuleSet, rng: random.Random, month: date) -> BudgetAccount:
    old = account.budget
    scale = rng.choice((80, 115, 130))
    person = Person(old.person_id, old.area_code, cohort.id, 0)
    items = [PlanItem(line.ref, line.description, line.need, Money(line.cost.pence * scale // 100))
             for line in old.lines]
    lines, _ = fund_items(items, rules)
    la_part = total(line.amount_for(Funder.LA) for line in lines)
    contribution = min(old.contribution, la_part)
    new = build_budget(person_id=person.id, area_code=old.area_code, ccg_code=old.ccg_code, la_code=old.la_code,
                       start=old.start, end=old.end, route=old.route, payee=old.payee, items=items, rules=rules,
                       contribution=contribution)
    at = datetime.combine(month, time(10))
    return review(account, new, by="care coordinator (illustrative)", at=at,
                  reason=f"review: needs changed, plan rescaled to {scale}%")


def _top_up(account: BudgetAccount, month: date, rng: random.Random) -> BudgetAccount:
    """An overspender's extra payment, beyond the budget, with its authorisation on record."""
    budget = account.budget
    funder = Funder.NHS if budget.nhs_element else Funder.LA
    extra = Money(budget.element(funder).pence // 10)
    if not extra:
        return account
    ref = f"AUTH-{budget.person_id}"
    account = authorise(account, Authorisation(
        ref, budget.person_id, funder, extra, "head of commissioning (illustrative)",
        datetime.combine(month, time(11)), "agreed overspend: crisis support"))
    instruction = PaymentInstruction(
        key=f"pb:{budget.person_id}:{month:%Y-%m}:{funder.value}:topup", on=month, person_id=budget.person_id,
        area_code=budget.area_code, funder=funder, payer=budget.payer_code(funder), payee=budget.payee,
        route=budget.route, amount=extra, budget_version=account.history.current.number,
    )
    return pay(account, authorised_payment(account, instruction, ref))
