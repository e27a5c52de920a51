"""The personal-budgets repository: write an imported budgets dataset, read it back as core records.

Functions take a ``Session`` and never commit (callers use ``store.transaction()``), so an
import is wholly present or wholly absent. Reads give back ``carepool.budgets`` records
(budgets, versions, accounts, spend) exactly as they were written, to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Budget, FundedLine, Funder, Person, Route, Share
from carepool.budgets.payments import Authorisation, BudgetAccount, PaymentInstruction
from carepool.budgets.spend import SpendRecord
from carepool.budgets.versions import BudgetHistory, BudgetVersion
from carepool.money import Money
from carepool.store import budget_tables as t
from carepool.store.types import as_utc

CHUNK = 500


@dataclass(frozen=True)
class PostedPayment:
    """Where a stored payment went: its pool and ledger transaction (None: outside the pool)."""

    key: str
    pool: str | None
    ledger_key: str | None


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def existing_people(session: Session, person_ids: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(sorted(set(person_ids))):
        out.update(session.scalars(select(t.people.c.person_id).where(t.people.c.person_id.in_(chunk))))
    return out


def existing_payment_keys(session: Session, keys: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        out.update(session.scalars(select(t.payments.c.key).where(t.payments.c.key.in_(chunk))))
    return out


def _many(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 5000):
        session.execute(insert(table), rows[i:i + 5000])


def add_dataset(session: Session, data: Dataset, *, source: str, actor: str, at: datetime,
                posted: Mapping[str, PostedPayment]) -> int:
    """Write every person, version, line, payment, authorisation and spend record; the import's id."""
    import_id = int(session.execute(insert(t.imports).values(
        source=source[:300], actor=actor[:200], at=as_utc(at), people=len(data.people),
        illustrative=data.illustrative).returning(t.imports.c.id)).scalar_one())
    _many(session, t.people, [{"person_id": p.id, "import_id": import_id, "area_code": p.area_code,
                               "cohort": p.cohort, "age": p.age, "illustrative": p.illustrative}
                              for p in data.people])
    accounts = [data.accounts[p.id] for p in data.people]
    versions = [v for a in accounts for v in a.history.versions]
    _many(session, t.versions, [
        {"person_id": v.budget.person_id, "version": v.number, "by": v.by, "at": as_utc(v.at), "reason": v.reason,
         "area_code": v.budget.area_code, "ccg_code": v.budget.ccg_code, "la_code": v.budget.la_code,
         "start_date": v.budget.start, "end_date": v.budget.end, "route": v.budget.route.value,
         "payee": v.budget.payee, "contribution": v.budget.contribution.pence} for v in versions])
    _many(session, t.lines, [
        {"person_id": v.budget.person_id, "version": v.number, "ref": line.ref, "description": line.description,
         "need": line.need, "rule": line.rule, "cost": line.cost.pence,
         **{f.value: line.amount_for(f).pence for f in Funder}}
        for v in versions for line in v.budget.lines])
    _many(session, t.payments, [
        {"key": p.key, "person_id": p.person_id, "on_date": p.on, "funder": p.funder.value, "payer": p.payer,
         "payee": p.payee, "route": p.route.value, "amount": p.amount.pence, "budget_version": p.budget_version,
         "authorisation": p.authorisation, "pool": posted[p.key].pool if p.key in posted else None,
         "ledger_key": posted[p.key].ledger_key if p.key in posted else None}
        for a in accounts for p in a.paid])
    _many(session, t.authorisations, [
        {"person_id": x.person_id, "ref": x.ref, "funder": x.funder.value, "extra": x.extra.pence, "by": x.by,
         "at": as_utc(x.at), "reason": x.reason} for a in accounts for x in a.authorisations])
    _many(session, t.spend, [{"person_id": s.person_id, "on_date": s.on, "line_ref": s.line_ref,
                              "amount": s.amount.pence} for s in data.spend])
    return import_id


def latest_import(session: Session) -> int:
    """The highest import id (0 when none): moves whenever a budgets dataset is loaded."""
    return int(session.scalar(select(func.coalesce(func.max(t.imports.c.id), 0))) or 0)


def people_by_area(session: Session) -> dict[str, int]:
    c = t.people.c
    return {a: int(n) for a, n in session.execute(select(c.area_code, func.count()).group_by(c.area_code))}


def read_people(session: Session, *, area: str | None = None, person_id: str | None = None) -> Dataset:
    """The stored people of one area (or one person, or everyone) with their accounts and spend."""
    pc = t.people.c
    stmt = select(pc.person_id, pc.area_code, pc.cohort, pc.age, pc.illustrative).order_by(pc.person_id)
    if area is not None:
        stmt = stmt.where(pc.area_code == area)
    if person_id is not None:
        stmt = stmt.where(pc.person_id == person_id)
    people = tuple(Person(i, a, c, int(g), bool(x)) for i, a, c, g, x in session.execute(stmt))
    ids = [p.id for p in people]
    lines: dict[tuple[str, int], list[FundedLine]] = {}
    histories: dict[str, list[BudgetVersion]] = {}
    paid: dict[str, list[PaymentInstruction]] = {}
    auths: dict[str, list[Authorisation]] = {}
    spend: list[SpendRecord] = []
    for chunk in _chunks(ids):
        lc = t.lines.c
        for r in session.execute(select(t.lines).where(lc.person_id.in_(chunk)).order_by(
                lc.person_id, lc.version, lc.ref)):
            shares = tuple(Share(f, Money(int(getattr(r, f.value)))) for f in Funder if getattr(r, f.value))
            lines.setdefault((r.person_id, int(r.version)), []).append(
                FundedLine(r.ref, r.description, r.need, Money(int(r.cost)), r.rule, shares))
        vc = t.versions.c
        for r in session.execute(select(t.versions).where(vc.person_id.in_(chunk)).order_by(
                vc.person_id, vc.version)):
            budget = Budget(r.person_id, r.area_code, r.ccg_code, r.la_code, _day(r.start_date), _day(r.end_date),
                            Route(r.route), r.payee, tuple(_line_order(lines.get((r.person_id, int(r.version)), []))),
                            Money(int(r.contribution)))
            histories.setdefault(r.person_id, []).append(
                BudgetVersion(int(r.version), budget, r.by, as_utc(r.at), r.reason))
        yc = t.payments.c
        for r in session.execute(select(t.payments).where(yc.person_id.in_(chunk)).order_by(
                yc.person_id, yc.on_date, yc.key)):
            paid.setdefault(r.person_id, []).append(PaymentInstruction(
                r.key, _day(r.on_date), r.person_id, _area_of(histories, r.person_id), Funder(r.funder), r.payer,
                r.payee, Route(r.route), Money(int(r.amount)), int(r.budget_version), r.authorisation))
        ac = t.authorisations.c
        for r in session.execute(select(t.authorisations).where(ac.person_id.in_(chunk)).order_by(
                ac.person_id, ac.at, ac.ref)):
            auths.setdefault(r.person_id, []).append(Authorisation(
                r.ref, r.person_id, Funder(r.funder), Money(int(r.extra)), r.by, as_utc(r.at), r.reason))
        sc = t.spend.c
        for r in session.execute(select(t.spend).where(sc.person_id.in_(chunk)).order_by(sc.person_id, sc.id)):
            spend.append(SpendRecord(r.person_id, _day(r.on_date), r.line_ref, Money(int(r.amount))))
    accounts = {p.id: BudgetAccount(BudgetHistory(tuple(histories[p.id])), tuple(paid.get(p.id, [])),
                                    tuple(auths.get(p.id, [])))
                for p in people if p.id in histories}
    starts = [a.budget.start for a in accounts.values()] or [date(2015, 4, 1)]
    ends = [a.budget.end for a in accounts.values()] or [date(2016, 3, 31)]
    return Dataset(0, tuple(sorted({p.area_code for p in people})), people, accounts, tuple(spend),
                   min(starts), max(ends), illustrative=all(p.illustrative for p in people))


@dataclass(frozen=True, slots=True)
class PersonTotals:
    """One person's current budget version summed in SQL (whole pence): what an area's list shows."""

    person_id: str
    cohort: str
    age: int
    illustrative: bool
    area_code: str           # of the current version
    route: str
    start: date
    end: date
    versions: int
    cost: int                # the current version's plan lines: cost and each funder's part
    nhs: int
    la: int
    person: int
    contribution: int
    paid: int                # every payment, of any version


def area_totals(session: Session, area: str) -> list[PersonTotals]:
    """Each person with a budget in ``area``, in person order, without reading a line or payment into Python."""
    pc, vc, lc, yc = t.people.c, t.versions.c, t.lines.c, t.payments.c
    latest = (select(vc.person_id, func.max(vc.version).label("version"), func.count().label("versions"))
              .join(t.people, pc.person_id == vc.person_id).where(pc.area_code == area)
              .group_by(vc.person_id).subquery())
    line_sums = (select(lc.person_id, func.sum(lc.cost).label("cost"), func.sum(lc.nhs).label("nhs"),
                        func.sum(lc.la).label("la"), func.sum(lc.person).label("person"))
                 .join(latest, (latest.c.person_id == lc.person_id) & (latest.c.version == lc.version))
                 .group_by(lc.person_id).subquery())
    paid = (select(yc.person_id, func.sum(yc.amount).label("paid"))
            .join(t.people, pc.person_id == yc.person_id).where(pc.area_code == area)
            .group_by(yc.person_id).subquery())
    stmt = (select(pc.person_id, pc.cohort, pc.age, pc.illustrative, vc.area_code, vc.route, vc.start_date,
                   vc.end_date, latest.c.versions, line_sums.c.cost, line_sums.c.nhs, line_sums.c.la,
                   line_sums.c.person, vc.contribution, paid.c.paid)
            .join(latest, latest.c.person_id == pc.person_id)
            .join(t.versions, (vc.person_id == pc.person_id) & (vc.version == latest.c.version))
            .outerjoin(line_sums, line_sums.c.person_id == pc.person_id)
            .outerjoin(paid, paid.c.person_id == pc.person_id)
            .where(pc.area_code == area).order_by(pc.person_id))
    return [PersonTotals(i, cohort, int(age), bool(x), a, route, _day(start), _day(end), int(n), int(cost or 0),
                         int(nhs or 0), int(la or 0), int(own or 0), int(contribution), int(money or 0))
            for i, cohort, age, x, a, route, start, end, n, cost, nhs, la, own, contribution, money
            in session.execute(stmt)]


def spend_to(session: Session, area: str, until: date) -> dict[str, int]:
    """Spend per person of ``area`` on or before ``until`` (whole pence)."""
    pc, sc = t.people.c, t.spend.c
    stmt = (select(sc.person_id, func.sum(sc.amount)).join(t.people, pc.person_id == sc.person_id)
            .where(pc.area_code == area, sc.on_date <= until).group_by(sc.person_id))
    return {person: int(amount) for person, amount in session.execute(stmt)}


def posted_payments(session: Session, person_id: str) -> dict[str, PostedPayment]:
    c = t.payments.c
    return {k: PostedPayment(k, pool, ledger) for k, pool, ledger in
            session.execute(select(c.key, c.pool, c.ledger_key).where(c.person_id == person_id))}


def _line_order(lines: list[FundedLine]) -> list[FundedLine]:
    """Plan lines in their written order (L1, L2, ..., L10), not text order."""
    return sorted(lines, key=lambda x: (len(x.ref), x.ref))


def _area_of(histories: Mapping[str, list[BudgetVersion]], person_id: str) -> str:
    return histories[person_id][-1].budget.area_code if person_id in histories else ""


def _day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
