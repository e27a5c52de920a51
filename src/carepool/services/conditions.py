"""Conditions register use cases: set, meet, lapse, list; and the money held while one is open.

The national assurer sets a condition (at assurance, from the conditions written with
"approved subject to conditions", or after) and may record that it lapsed; the area meets it
with evidence. Each step is appended to ``assurance_conditions`` (append-only) in one store
transaction together with what it does to the books: while any condition of an area is open or
lapsed, the money the year's programme file names (``conditions_hold``) is moved from the pool
fund to a held account; when the last one is met it comes back (``ledger.conditions_hold``).
A lapsed condition keeps the money held: what happens to it is a national decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from carepool.errors import NotFound, PermissionDenied
from carepool.plans import conditions as core
from carepool.plans.conditions import Condition, ConditionStatus
from carepool.programme import ProgrammeYear, load_programme
from carepool.services import in_force
from carepool.services.areas import year_area
from carepool.services.clock import now_utc
from carepool.services.condition_holds import hold_batch
from carepool.services.ledger import performance_element
from carepool.services.users import Role, User
from carepool.store import condition_repo as repo
from carepool.store import ledger_repo
from carepool.store.db import Store

SETTERS = frozenset({Role.NATIONAL_ASSURER})
MEETERS = frozenset({Role.PARTNER_LEAD, Role.POOL_MANAGER, Role.HWB_CHAIR})


# who may do what ---------------------------------------------------------------------------------
def may_set(user: User) -> bool:
    return user.role in SETTERS and user.national


def may_meet(user: User, area: str) -> bool:
    return user.role in MEETERS and not user.national and user.can_see(area)


def require_setter(user: User) -> None:
    if not may_set(user):
        raise PermissionDenied(f"your role ({user.role.value}) may not set or lapse assurance conditions")


def require_meeter(user: User, area: str) -> None:
    if not may_meet(user, area):
        raise PermissionDenied(f"your role ({user.role.value}) may not meet conditions for area {area}")


def _sync(session: Session, programme: ProgrammeYear, area: str, actor: str, at: datetime) -> None:
    """Hold or release in the same transaction as the register step, once the area's books are open."""
    found = in_force.plans_in_force(session, programme, area).get(area)
    if found is None or not ledger_repo.transactions(session, area=area):
        return   # contributions not posted yet: post-contributions applies the hold
    batch = hold_batch(session, programme, found.plan, repo.register(session, programme.id, area),
                       performance_element(programme, found.plan))
    if batch:
        ledger_repo.post_batch(session, batch, f"conditions {programme.id} {area}", actor, at)


# the register -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaCondition:
    area: str
    condition: Condition


def _area(code: str, year: str) -> str:
    """The area's code in the year's geography (a 2023 area such as E06000066 in a 2023 year)."""
    return year_area(code, year).code


def add(store: Store, area: str, year: str, text: str, owner: str, due: date, *, actor: str,
        at: datetime | None = None) -> Condition:
    """The national assurer sets a condition on the area's plan in force (or its latest assured version)."""
    programme, code, when = load_programme(year), _area(area, year), at or now_utc()
    with store.transaction() as session:
        position = in_force.positions(session, programme, code).get(code)
        if position is None:
            raise NotFound(f"no assured plan for {code} in {programme.id}: conditions are set at assurance or after")
        version = position.record.version if position.record is not None else None
        entry = core.set_condition(repo.register(session, programme.id, code), text, owner, due,
                                   plan_version=version, actor=actor, at=when)
        repo.append(session, code, programme.id, entry)
        _sync(session, programme, code, actor, when)
        return repo.register(session, programme.id, code)[entry.condition_id]


def set_at_assurance(session: Session, programme: ProgrammeYear, area: str, version: int, text: str, owner: str,
                     actor: str, at: datetime) -> None:
    """The conditions written with "approved subject to conditions" become register entries (one a line),
    due by the year's ``conditional_plans`` deadline (else its start)."""
    due = dict(programme.deadlines).get("conditional_plans", programme.start)
    for line in (t.strip() for t in text.splitlines()):
        if line:
            entry = core.set_condition(repo.register(session, programme.id, area), line, owner, due,
                                       plan_version=version, actor=actor, at=at)
            repo.append(session, area, programme.id, entry)
    _sync(session, programme, area, actor, at)


def meet(store: Store, area: str, year: str, condition_id: str, evidence: str, *, actor: str,
         at: datetime | None = None) -> Condition:
    """The area meets a condition with evidence; the last one met releases any money held."""
    return _record(store, area, year, at, lambda register, when: core.meet(
        register, condition_id, evidence, actor=actor, at=when), actor)


def lapse(store: Store, area: str, year: str, condition_id: str, reason: str, *, actor: str,
          at: datetime | None = None) -> Condition:
    """The national assurer records that a condition was not met in time; money held stays held."""
    return _record(store, area, year, at, lambda register, when: core.lapse(
        register, condition_id, reason, actor=actor, at=when), actor)


def _record(store: Store, area: str, year: str, at: datetime | None,
            step: Callable[[dict[str, Condition], datetime], core.Entry], actor: str) -> Condition:
    """Append one register entry made by ``step``, then hold or release money to match (one transaction)."""
    programme, code, when = load_programme(year), _area(area, year), at or now_utc()
    with store.transaction() as session:
        entry = step(repo.register(session, programme.id, code), when)
        repo.append(session, code, programme.id, entry)
        _sync(session, programme, code, actor, when)
        return repo.register(session, programme.id, code)[entry.condition_id]


def register(store: Store, area: str, year: str) -> list[Condition]:
    """One area's conditions, in the order set."""
    programme = load_programme(year)
    with store.transaction() as session:
        return list(repo.register(session, programme.id, _area(area, year)).values())


def listing(store: Store, year: str, area: str | None = None, status: str | None = None) -> list[AreaCondition]:
    """Every area's conditions (or one area's), optionally in one status."""
    programme = load_programme(year)
    wanted = ConditionStatus(status) if status else None
    with store.transaction() as session:
        found = ({_area(area, year): repo.register(session, programme.id, _area(area, year))} if area
                 else repo.registers(session, programme.id))
    return [AreaCondition(code, c) for code, reg in sorted(found.items()) for c in reg.values()
            if wanted is None or c.status is wanted]


def open_counts(store: Store, year: str) -> dict[str, int]:
    """Open conditions by area (the dashboard's column)."""
    out: dict[str, int] = {}
    for a in listing(store, year, status="open"):
        out[a.area] = out.get(a.area, 0) + 1
    return out
