"""Joined-up personal budget use cases: load a budgets dataset into the store, an area's people with
budgets, one person's budget, and the outcomes the HWB scorecard reads.

Loading is one store transaction: the people, their budget versions, plan lines, payments,
authorisations and spend are written, and every pool-funded payment (the NHS and council
parts) is posted to the stored pooled-fund ledger as a spend transaction of the area's pool.
If anything is refused (a budget that does not add up, a person already stored, a payment in
a closed period, a ledger key used before) nothing at all is written. The person's own
assessed contribution never passes through the pool, so it is stored but not posted.
Money is whole pence throughout and is conserved: what the import reports as posted is what
the ledger holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from carepool.budgets import synthetic
from carepool.budgets.budget import check_budget
from carepool.budgets.dataset import Dataset
from carepool.budgets.ledger_adapter import to_transaction
from carepool.budgets.model import Funder, Route
from carepool.budgets.payments import BudgetAccount, PaymentInstruction, recovery_due
from carepool.budgets.records import read_dataset
from carepool.budgets.rules_file import DEFAULT_RULES, read_rules
from carepool.budgets.spend import Alert, SpendRecord, Thresholds, check_spend, check_spend_of, spent_to_date
from carepool.budgets.statement import ILLUSTRATIVE
from carepool.budgets.versions import BudgetVersion
from carepool.budgets.whopays import require_sound
from carepool.errors import ConflictError, NotFound, ValidationFailed
from carepool.findings import Finding, error, has_errors
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Transaction
from carepool.money import Money, total
from carepool.programme import available_programmes, load_programme
from carepool.reference import load_reference
from carepool.services.clock import now_utc
from carepool.services.read_scope import once
from carepool.store import budget_repo as repo
from carepool.store import ledger_repo
from carepool.store import plan_repo as plan_repo
from carepool.store.budget_repo import PostedPayment
from carepool.store.db import Store

ACTOR = "carepool"
PB_MODEL = "joined-up personal budgets"
DEFAULT_POOL = "P1"



# loading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loaded:
    """What an import stored and posted (amounts in pence)."""

    import_id: int
    people: int
    areas: tuple[str, ...]
    versions: int
    payments: int
    paid_pence: int              # every payment, all funders
    pool_pence: int              # NHS and council parts, posted to the pooled-fund ledger
    outside_pool_pence: int      # the people's own contributions, not posted
    transactions: int            # ledger transactions posted
    pools: dict[str, str] = field(default_factory=dict)   # area -> pool the payments went to
    illustrative: bool = True


def check_dataset(data: Dataset) -> list[Finding]:
    """Every problem with a budgets dataset before it is stored: unsound budgets, payments that do not fit."""
    ref = load_reference()
    found: list[Finding] = []
    seen_keys: set[str] = set()
    for person in data.people:
        account = data.accounts.get(person.id)
        where = {"field": person.id}
        if account is None:
            found.append(error("budgets.no-budget", f"{person.id} has no budget", **where))
            continue
        if person.area_code not in ref.areas:
            found.append(error("budgets.unknown-area", f"{person.id}: area '{person.area_code}' is not an HWB area",
                               **where))
        numbers = [v.number for v in account.history.versions]
        if numbers != list(range(1, len(numbers) + 1)):
            found.append(error("budgets.versions", f"{person.id}: versions {numbers} are not 1, 2, ...", **where))
        for v in account.history.versions:
            if v.budget.person_id != person.id or v.budget.area_code != person.area_code:
                found.append(error("budgets.version-owner", f"{person.id}: version {v.number} belongs to "
                                   f"{v.budget.person_id} in {v.budget.area_code}", **where))
            for f in check_budget(v.budget):
                found.append(error(f.rule, f"{person.id} v{v.number}: {f.message}", **where))
        found.extend(_payment_problems(person.id, account, seen_keys, numbers))
    known = {p.id for p in data.people}
    for s in data.spend:
        if s.person_id not in known:
            found.append(error("budgets.spend-owner", f"spend on {s.on.isoformat()} is for unknown {s.person_id}",
                               field=s.person_id))
    return found


def _payment_problems(person_id: str, account: BudgetAccount, seen: set[str], numbers: list[int]) -> list[Finding]:
    found: list[Finding] = []
    where = {"field": person_id}
    for p in account.paid:
        if p.key in seen:
            found.append(error("budgets.payment-key", f"payment key {p.key} appears twice", **where))
        seen.add(p.key)
        if p.person_id != person_id or p.amount.pence <= 0 or p.budget_version not in numbers:
            found.append(error("budgets.payment", f"payment {p.key} is not a positive payment of one of "
                               f"{person_id}'s budget versions", **where))
        if p.authorisation is not None and not any(
                a.ref == p.authorisation and a.funder is p.funder for a in account.authorisations):
            found.append(error("budgets.unauthorised", f"payment {p.key} cites authorisation {p.authorisation}, "
                               "which is not recorded", **where))
    for funder in Funder:
        most = max(v.budget.element(funder) for v in account.history.versions) + account.authorised_extra(funder)
        if account.paid_by(funder) > most:
            found.append(error("budgets.overpaid", f"{person_id}: the {funder.value} part paid "
                               f"{account.paid_by(funder)} is more than its largest element plus authorised "
                               f"extras ({most})", **where))
    return found


def _pool_for(session: Session, area: str, on: date) -> str:
    """The pool personal budgets are paid from: the area's plan pool declaring the model, else its first."""
    for year_id in available_programmes():
        programme = load_programme(year_id)
        if not programme.start <= on <= programme.end:
            continue
        try:
            plan = plan_repo.get(session, area, programme.id).plan
        except NotFound:
            break
        chosen = next((p for p in plan.pools if p.model == PB_MODEL), None) or (plan.pools[0] if plan.pools else None)
        return chosen.id if chosen is not None else DEFAULT_POOL
    return DEFAULT_POOL


def load_dataset(store: Store, data: Dataset, *, actor: str = ACTOR, source: str = "personal budgets",
                 at: datetime | None = None) -> Loaded:
    """Store ``data`` and post its pool-funded payments to the ledger, in one transaction (or nothing)."""
    found = check_dataset(data)
    if has_errors(found):
        raise ValidationFailed(f"{source}: {len(found)} problem(s); nothing was stored", found)
    when = at or now_utc()
    payments = data.payments
    with store.transaction() as session:
        clash = repo.existing_people(session, [p.id for p in data.people])
        if clash:
            raise ConflictError(f"{source}: {len(clash)} of these people are already stored (e.g. "
                                f"{', '.join(sorted(clash)[:3])}); nothing was stored")
        used = repo.existing_payment_keys(session, [p.key for p in payments])
        if used:
            raise ConflictError(f"{source}: payment keys already stored (e.g. {sorted(used)[0]}); nothing was stored")
        pools: dict[str, str] = {}
        batch: list[Transaction] = []
        posted: dict[str, PostedPayment] = {}
        for p in payments:
            if p.funder is Funder.PERSON:
                continue
            if p.area_code not in pools:
                pools[p.area_code] = _pool_for(session, p.area_code, data.year_start)
            pool = pools[p.area_code]
            txn = to_transaction(p, pool)
            batch.append(txn)
            posted[p.key] = PostedPayment(p.key, pool, txn.key)
        import_id = repo.add_dataset(session, data, source=source, actor=actor, at=when, posted=posted)
        result = ledger_repo.post_batch(session, batch, f"personal budgets: {source}", actor, when)
        if result.skipped:
            raise ConflictError(f"{source}: {result.skipped} payment(s) are already in the ledger; nothing was stored")
    pool_pence = sum(p.amount.pence for p in payments if p.funder is not Funder.PERSON)
    return Loaded(import_id, len(data.people), data.areas, sum(len(a.history.versions) for a in data.accounts.values()),
                  len(payments), sum(p.amount.pence for p in payments), pool_pence,
                  sum(p.amount.pence for p in payments if p.funder is Funder.PERSON), result.posted, pools,
                  data.illustrative)


def load_folder(store: Store, folder: Path, *, actor: str = ACTOR, at: datetime | None = None) -> Loaded:
    """Load the CSV files ``carepool budgets demo`` wrote (its ``budgets/`` folder, or the folder itself)."""
    where = folder / "budgets" if (folder / "budgets" / "people.csv").exists() else folder
    return load_dataset(store, read_dataset(where), actor=actor, source=f"budgets files {where.name}", at=at)


def synthetic_dataset(areas: Sequence[str], people: int, *, seed: int = 2015, year: str = "bcf-2015-16",
                      progress: Callable[[str], None] | None = None) -> Dataset:
    """Synthetic people and budgets for ``areas`` over a programme year, under the illustrative who-pays rules."""
    rules, findings = read_rules(DEFAULT_RULES)
    if has_errors(findings):
        raise ValidationFailed("the illustrative who-pays rules are not sound", findings)
    require_sound(rules)
    programme = load_programme(year)
    return synthetic.synthetic_dataset(load_reference(), areas, people, rules, seed=seed, year_start=programme.start,
                    year_end=programme.end, progress=progress)


# reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonRow:
    person_id: str
    cohort: str
    age: int
    route: str
    nhs: Money                # NHS element (the personal health budget)
    care: Money               # social care element: the council's part plus the contribution
    contribution: Money       # the person's assessed contribution
    total: Money
    paid: Money
    spent: Money              # spend to date
    versions: int
    alert: Alert | None


@dataclass(frozen=True)
class AreaBudgets:
    area_code: str
    as_of: date
    rows: list[PersonRow]
    illustrative: bool
    note: str = ILLUSTRATIVE

    def totals(self) -> dict[str, Money]:
        return {k: total(getattr(r, k) for r in self.rows)
                for k in ("nhs", "care", "contribution", "total", "paid", "spent")}

    def by_cohort(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.cohort] = out.get(r.cohort, 0) + 1
        return dict(sorted(out.items()))

    def alerts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            if r.alert is not None:
                out[r.alert.kind.value] = out.get(r.alert.kind.value, 0) + 1
        return dict(sorted(out.items()))


def _as_of(data: Dataset, as_of: date | None) -> date:
    return as_of or min(date.today(), data.year_end)


MAX_CACHED_AREAS = 512   # area lists kept per store until a budgets dataset is loaded (the only write to budgets)


def area_budgets(store: Store, area: str, *, as_of: date | None = None,
                 thresholds: Thresholds = Thresholds()) -> AreaBudgets:
    """Everyone with a budget in ``area``: elements, contribution, paid, spend to date, alerts.

    Summed in SQL (one query for the budgets and payments, one for spend), and kept per store
    until the next budgets load, so a large area (Leeds: 1,240 people) answers in milliseconds.
    """
    key = (area, as_of or date.today(), thresholds)
    return store.caches.named("budgets.areas", MAX_CACHED_AREAS).get(
        key, budgets_version(store), lambda: _area_budgets(store, area, as_of, thresholds))


def _area_budgets(store: Store, area: str, as_of: date | None, thresholds: Thresholds) -> AreaBudgets:
    with store.transaction() as session:
        people = repo.area_totals(session, area)
        year_end = max((p.end for p in people), default=date(2016, 3, 31))
        when = as_of or min(date.today(), year_end)
        spent = repo.spend_to(session, area, when)
    rows: list[PersonRow] = []
    for p in people:
        money_spent = Money(spent.get(p.person_id, 0))
        rows.append(PersonRow(p.person_id, p.cohort, p.age, p.route, Money(p.nhs), Money(p.la + p.person),
                              Money(p.contribution), Money(p.cost), Money(p.paid), money_spent, p.versions,
                              check_spend_of(p.person_id, p.area_code, p.start, p.end, Money(p.cost), money_spent,
                                             when, thresholds)))
    return AreaBudgets(area, when, rows, all(p.illustrative for p in people))


@dataclass(frozen=True)
class PaymentRow:
    payment: PaymentInstruction
    pool: str | None
    ledger_key: str | None      # None: the person's own contribution, outside the pool


@dataclass(frozen=True)
class RouteGroup:
    route: str
    payments: list[PaymentRow]

    @property
    def amount(self) -> Money:
        return total(p.payment.amount for p in self.payments)


@dataclass(frozen=True)
class PersonBudget:
    area_code: str
    person_id: str
    cohort: str
    age: int
    account: BudgetAccount
    versions: tuple[BudgetVersion, ...]
    routes: list[RouteGroup]
    spend: list[SpendRecord]
    spent: Money
    as_of: date
    alert: Alert | None
    recovery_due: dict[str, Money]
    ledger_posted: Money         # what the ledger holds for this person's pool-funded payments
    illustrative: bool
    note: str = ILLUSTRATIVE


def person_budget(store: Store, area: str, person_id: str, *, as_of: date | None = None,
                  thresholds: Thresholds = Thresholds()) -> PersonBudget:
    """One person's plan lines with cost and funder, payments by route, versions (who/when/why)."""
    with store.transaction() as session:
        data = repo.read_people(session, person_id=person_id)
        if not data.people or data.people[0].area_code != area:
            raise NotFound(f"no person '{person_id}' with a budget in area {area}")
        posted = repo.posted_payments(session, person_id)
        keys = [p.ledger_key for p in posted.values() if p.ledger_key]
        txns = ledger_repo.transactions(session, keys=keys) if keys else []
    person = data.people[0]
    account = data.accounts[person_id]
    when = _as_of(data, as_of)
    spent = spent_to_date(data.spend, person_id, when)
    groups: list[RouteGroup] = []
    for route in Route:
        rows = [PaymentRow(p, posted[p.key].pool if p.key in posted else None,
                           posted[p.key].ledger_key if p.key in posted else None)
                for p in account.paid if p.route is route]
        if rows:
            groups.append(RouteGroup(route.value, rows))
    in_ledger = Money(sum(p.pence for txn in txns for p in txn.postings
                          if acc.is_personal_budget(p.account)))
    return PersonBudget(area, person_id, person.cohort, person.age, account, account.history.versions, groups,
                        [s for s in data.spend if s.on <= when], spent, when,
                        check_spend(account.budget, spent, when, thresholds),
                        {f.value: m for f, m in recovery_due(account).items()}, in_ledger, data.illustrative)


def budgets_version(store: Store) -> int:
    """Moves whenever a budgets dataset is loaded (for caches of figures that read budgets); asked once per page."""
    return once(store, "budgets_version", lambda: _read_budgets_version(store))


def _read_budgets_version(store: Store) -> int:
    with store.transaction() as session:
        return repo.latest_import(session)


def areas_with_budgets(store: Store) -> dict[str, int]:
    with store.transaction() as session:
        return repo.people_by_area(session)


def outcomes_by_area(store: Store, *, as_of: date | None = None,
                     thresholds: Thresholds = Thresholds()) -> dict[str, tuple[int, int]]:
    """Per area: (people whose spend is within the thresholds, people with a budget)."""
    out: dict[str, tuple[int, int]] = {}
    for area in sorted(areas_with_budgets(store)):
        view = area_budgets(store, area, as_of=as_of, thresholds=thresholds)
        out[area] = (sum(r.alert is None for r in view.rows), len(view.rows))
    return out

