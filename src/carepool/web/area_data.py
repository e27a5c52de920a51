"""What an area page shows: the latest plan, where it stands, its history and pool statements."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, replace

from carepool.errors import NotFound
from carepool.ledger.statements import Report
from carepool.plans.lifecycle import Event, PlanState, Status, replay
from carepool.reference import load_reference
from carepool.reference.model import Area
from carepool.services import dashboard, ledger, plans
from carepool.services.users import Action, User, require
from carepool.store.db import Store
from carepool.store.plans import PlanRecord


@dataclass(frozen=True)
class AreaView:
    area: Area
    record: PlanRecord | None
    state: PlanState | None
    events: list[Event]
    statements: list[Report]
    actions: frozenset[str]       # what this user may do now, given the plan's status

    @property
    def partners_to_sign(self) -> list[str]:
        if self.record is None or self.state is None:
            return []
        return [p.code for p in self.record.plan.partners
                if p.kind in ("la", "ccg") and p.code not in self.state.partner_signoffs]


def visible_area(user: User, code: str) -> Area:
    """The area, once the user may see it (NotFound for an unknown code, else PermissionDenied)."""
    area = load_reference().area(code)
    require(user, Action.VIEW, area.code)
    return area


def available_actions(user: User, area: str, record: PlanRecord | None, state: PlanState | None) -> frozenset[str]:
    out: set[str] = set()
    if user.may(Action.UPLOAD, area):
        out.add("upload")
    if record is None or state is None:
        return frozenset(out)
    partners = {p.code for p in record.plan.partners if p.kind in ("la", "ccg")}
    if (state.status is Status.DRAFT and user.may(Action.SIGN_OFF_PARTNER, area)
            and user.org_code in partners - state.partner_signoffs):
        out.add("sign_off")
    if state.status is Status.PARTNERS_SIGNED_OFF and user.may(Action.SIGN_OFF_HWB, area):
        out.add("hwb_sign_off")
    if state.status is Status.HWB_SIGNED_OFF and user.may(Action.SUBMIT, area):
        out.add("submit")
    if state.status is Status.SUBMITTED and user.may(Action.ASSURE, area):
        out.add("assure")
    return frozenset(out)


# what an area shows, kept per store until plans or the ledger change (the dashboard's cache key)
_views: weakref.WeakKeyDictionary[object, dict[tuple[str, str], tuple[tuple[int, int], AreaView]]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()
MAX_CACHED = 1024


def area_view(store: Store, user: User, code: str, year: str) -> AreaView:
    area = visible_area(user, code)
    version = dashboard.store_version(store)
    with _lock:
        hit = _views.get(store.engine, {}).get((area.code, year))
    if hit is None or hit[0] != version:
        hit = (version, _read_view(store, area, year))
        with _lock:
            views = _views.setdefault(store.engine, {})
            if len(views) >= MAX_CACHED:
                views.clear()
            views[(area.code, year)] = hit
    view = hit[1]
    return replace(view, actions=available_actions(user, area.code, view.record, view.state))


def _read_view(store: Store, area: Area, year: str) -> AreaView:
    try:
        record, events = plans.history(store, area.code, year)
    except NotFound:
        record, events = None, []
    state = replay(events) if record is not None else None
    try:
        reports = ledger.area_statements(store, area.code, year)
    except NotFound:
        reports = []
    return AreaView(area, record, state, events, reports, frozenset())
