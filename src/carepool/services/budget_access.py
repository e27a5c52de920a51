"""Who may read person-level budget data, and the audit trail of every such read.

A joined-up personal budget is one person's care and support plan and what was paid for it:
person-level data. Only the roles that need it to do their job, the area's pool manager and its
care coordinators (``Action.READ_PERSON_LEVEL``), read people; each list of people and each
person's budget they open is written to the hash-chained audit trail (who, what, when). Every
other role that can see the area gets the area's aggregates only.
"""

from __future__ import annotations

from datetime import date

from carepool.errors import PermissionDenied
from carepool.services import budgets
from carepool.services.clock import now_utc
from carepool.services.sharing_audit import audit_key
from carepool.services.users import Action, User, require
from carepool.store import sharing_tables
from carepool.store.db import Store


def may_read_people(user: User, area: str) -> bool:
    return user.may(Action.READ_PERSON_LEVEL, area)


def _audit(store: Store, user: User, action: str, subject: str) -> None:
    with store.transaction() as session:
        sharing_tables.append_audit(session, key=audit_key(), at=now_utc(), actor=user.email, action=action,
                                    subject=subject)


def area_view(store: Store, user: User, area: str, *, as_of: date | None = None) -> tuple[budgets.AreaBudgets, bool]:
    """The area's budgets and whether this user may see the people in them (that read is audited)."""
    require(user, Action.VIEW, area)
    view = budgets.area_budgets(store, area, as_of=as_of)
    people = may_read_people(user, area)
    if people and view.rows:
        _audit(store, user, "budget.people.list", f"personal budgets of area {area}")
    return view, people


def person_view(store: Store, user: User, area: str, person_id: str, *,
                as_of: date | None = None) -> budgets.PersonBudget:
    """One person's budget, for the roles that may read person-level data; the read is audited."""
    require(user, Action.VIEW, area)
    if not may_read_people(user, area):
        raise PermissionDenied(f"your role ({user.role.value}) sees this area's budgets as totals only: "
                               "person-level budgets are for the pool manager and care coordinators")
    view = budgets.person_budget(store, area, person_id, as_of=as_of)
    _audit(store, user, "budget.person.read", f"personal budget of {person_id} in area {area}")
    return view
