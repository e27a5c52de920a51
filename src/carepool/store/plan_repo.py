"""The plan repository: versions of each area's plan and their lifecycle history.

Functions take a SQLAlchemy ``Session`` and never commit: callers own the unit of work
(``with store.transaction() as session: ...``), so an import that fails midway writes nothing.
A submitted or assured version is never rewritten; a change is ``add_version``. Status is
what the events replay to (``state``); ``plans.status`` caches it in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carepool.errors import ConflictError, InputError, NotFound
from carepool.plans.lifecycle import Event, PlanState, Status, replay, require_editable, signed_partner
from carepool.plans.model import Plan
from carepool.plans.serialise import plan_from_dict, plan_to_dict
from carepool.store.plan_tables import PlanEventRow, PlanRow
from carepool.store.types import as_utc

log = logging.getLogger("carepool.store")

# A new version replaces any version not yet submitted; submitted and assured ones stay as history.
SUPERSEDED_BY_NEW_VERSION = frozenset({Status.DRAFT, Status.PARTNERS_SIGNED_OFF, Status.HWB_SIGNED_OFF})


@dataclass(frozen=True)
class PlanRecord:
    """A stored plan version as the rest of carepool sees it."""

    id: int
    area_code: str
    year: str
    version: int
    status: Status
    plan: Plan
    created_at: datetime
    created_by: str


def content_sha256(document: dict[str, Any]) -> str:
    """Checksum of a plan document in canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# reading -----------------------------------------------------------------------------------
def get(session: Session, area: str, year: str, version: int | None = None) -> PlanRecord:
    """A plan version (the latest when ``version`` is None); NotFound when there is none."""
    row = _latest_row(session, area, year) if version is None else _version_row(session, area, year, version)
    if row is None:
        which = "any version" if version is None else f"version {version}"
        raise NotFound(f"no plan for area {area}, year {year} ({which})")
    return _record(row)


def versions(session: Session, area: str, year: str) -> list[PlanRecord]:
    """Every stored version of an area's plan for a year, oldest first."""
    stmt = (select(PlanRow).where(PlanRow.area_code == area, PlanRow.year == year)
            .order_by(PlanRow.version))
    return [_record(row) for row in session.scalars(stmt)]


def list_latest(
    session: Session, year: str | None = None, status: Status | str | None = None
) -> list[PlanRecord]:
    """The latest version of every area's plan, optionally for one year and/or in one status."""
    latest = select(PlanRow.area_code, PlanRow.year, func.max(PlanRow.version).label("version"))
    if year is not None:
        latest = latest.where(PlanRow.year == year)
    newest = latest.group_by(PlanRow.area_code, PlanRow.year).subquery()
    stmt = select(PlanRow).join(newest, and_(
        PlanRow.area_code == newest.c.area_code,
        PlanRow.year == newest.c.year,
        PlanRow.version == newest.c.version,
    ))
    if status is not None:
        stmt = stmt.where(PlanRow.status == _status(status).value)
    stmt = stmt.order_by(PlanRow.year, PlanRow.area_code)
    return [_record(row) for row in session.scalars(stmt)]


def assured_versions(session: Session, year: str, area: str | None = None) -> list[tuple[PlanRecord, PlanState]]:
    """Every assured version of the year's plans (one area, or all) with its state, oldest version first.

    Superseded versions are left out; which of these is *in force* is the caller's rule
    (``services.in_force``), since it depends on the year's fundable outcomes.
    """
    stmt = select(PlanRow).where(PlanRow.year == year, PlanRow.status == Status.ASSURED.value)
    if area is not None:
        stmt = stmt.where(PlanRow.area_code == area)
    rows = list(session.scalars(stmt.order_by(PlanRow.area_code, PlanRow.version)))
    if not rows:
        return []
    found = select(PlanEventRow).where(PlanEventRow.plan_id.in_([r.id for r in rows]))
    by_plan: dict[int, list[Event]] = {}
    for r in session.scalars(found.order_by(PlanEventRow.plan_id, PlanEventRow.seq)):
        by_plan.setdefault(r.plan_id, []).append(Event(
            r.action, r.actor, r.at, None if r.from_status is None else Status(r.from_status),
            Status(r.to_status), r.detail))
    return [(_record(row), replay(by_plan.get(row.id, []))) for row in rows]


def events(session: Session, plan_id: int) -> list[Event]:
    """A plan version's history, oldest first; NotFound for an unknown plan id."""
    if session.get(PlanRow, plan_id) is None:
        raise NotFound(f"no plan with id {plan_id}")
    stmt = select(PlanEventRow).where(PlanEventRow.plan_id == plan_id).order_by(PlanEventRow.seq)
    return [
        Event(r.action, r.actor, r.at, None if r.from_status is None else Status(r.from_status),
              Status(r.to_status), r.detail)
        for r in session.scalars(stmt)
    ]


def state(session: Session, record: PlanRecord) -> PlanState:
    """Where the version stands, replayed from its events (the history is the truth)."""
    return replay(events(session, record.id))


# writing -----------------------------------------------------------------------------------
def add_version(session: Session, plan: Plan, actor: str, at: datetime) -> PlanRecord:
    """Store ``plan`` as the next version for its area and year, as a draft.

    The previous latest version is superseded if it had not been submitted; a submitted or
    assured one keeps its status, so the history of what was agreed stays intact.
    """
    document = plan_to_dict(plan)
    sha = content_sha256(document)
    previous = _latest_row(session, plan.area_code, plan.year, lock=True)
    number = 1 if previous is None else previous.version + 1
    if previous is not None and Status(previous.status) in SUPERSEDED_BY_NEW_VERSION:
        _append(session, previous, Event(
            "superseded", actor, at, Status(previous.status), Status.SUPERSEDED, f"by version {number}"))
    row = PlanRow(
        area_code=plan.area_code, year=plan.year, version=number, document=document,
        content_sha256=sha, illustrative=plan.illustrative, status=Status.DRAFT.value,
        created_at=as_utc(at), created_by=actor,
    )
    session.add(row)
    _flush(session, f"version {number} of the plan for {plan.area_code} {plan.year} already exists")
    _append(session, row, Event("created", actor, at, None, Status.DRAFT, f"sha256:{sha}"), creating=True)
    return _record(row)


def replace_draft(
    session: Session, area: str, year: str, plan: Plan, actor: str, at: datetime
) -> PlanRecord:
    """Overwrite the latest version's content while it is a draft nobody has signed off yet.

    Otherwise ConflictError: a sign-off is given to particular content, so a change after one
    (or after submission) must be a new version. The edit is recorded as an ``edited`` event
    naming the new content's checksum; storing the same content again changes nothing.
    """
    if (plan.area_code, plan.year) != (area, year):
        raise InputError(
            f"the plan is for {plan.area_code} {plan.year}, not {area} {year}", where="plan")
    row = _latest_row(session, area, year, lock=True)
    if row is None:
        raise NotFound(f"no plan for area {area}, year {year} to replace")
    current = replay(events(session, row.id))
    require_editable(current)
    if current.partner_signoffs:
        signed = ", ".join(sorted(current.partner_signoffs))
        raise ConflictError(f"{signed} signed off this draft as it stands; import a new version to change it")
    document = plan_to_dict(plan)
    sha = content_sha256(document)
    if sha == row.content_sha256:
        return _record(row)
    row.document, row.content_sha256, row.illustrative = document, sha, plan.illustrative
    _append(session, row, Event("edited", actor, at, Status.DRAFT, Status.DRAFT, f"sha256:{sha}"))
    return _record(row)


def lock_for_decision(session: Session, area: str, year: str) -> None:
    """Serialise decisions on one area's plan: call first in the transaction, before reading state.

    PostgreSQL: ``SELECT ... FOR UPDATE`` on the area's plan rows, so a second decision waits for
    the first to commit and then reads its events. SQLite: a no-op ``UPDATE`` as the first
    statement takes the database's write lock at once (waiting for another writer, within the
    busy timeout), so nothing read afterwards in the transaction can be stale.
    """
    where = (PlanRow.area_code == area, PlanRow.year == year)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(PlanRow).where(*where).values(status=PlanRow.status))
    else:
        session.execute(select(PlanRow.id).where(*where).with_for_update())


def append_event(session: Session, record: PlanRecord, event: Event) -> PlanRecord:
    """Record a lifecycle step (from ``carepool.plans.lifecycle``) and return the updated record.

    The event must start from the version's current status (and a partner signs off once), so a
    step decided on a stale view of the plan is refused (ConflictError) instead of being recorded.
    """
    row = session.get(PlanRow, record.id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"no plan with id {record.id}")
    _require_applies(row, event)
    if event.action == "signed_off" and signed_partner(event) in replay(events(session, row.id)).partner_signoffs:
        raise ConflictError(f"'{signed_partner(event)}' has already signed off version {row.version} of the plan "
                            f"for {row.area_code} {row.year}")
    _append(session, row, event)
    return _record(row)


# internals ---------------------------------------------------------------------------------
def _append(session: Session, row: PlanRow, event: Event, *, creating: bool = False) -> None:
    if not creating:
        _require_applies(row, event)
    last = session.scalar(select(func.max(PlanEventRow.seq)).where(PlanEventRow.plan_id == row.id))
    session.add(PlanEventRow(
        plan_id=row.id, seq=(last or 0) + 1, action=event.action, actor=event.actor,
        at=as_utc(event.at), from_status=None if event.from_status is None else event.from_status.value,
        to_status=event.to_status.value, detail=event.detail,
    ))
    row.status = event.to_status.value
    _flush(session, f"the plan for {row.area_code} {row.year} changed at the same time; try again")


def _require_applies(row: PlanRow, event: Event) -> None:
    """Refuse a step on a superseded version, or one that starts from another status."""
    current = Status(row.status)
    if current is Status.SUPERSEDED:
        raise ConflictError(
            f"version {row.version} of the plan for {row.area_code} {row.year} has been superseded")
    if event.from_status is not current:
        moving_from = "nothing" if event.from_status is None else event.from_status.value
        raise ConflictError(
            f"the plan for {row.area_code} {row.year} (version {row.version}) is {current.value}; "
            f"a step from {moving_from} no longer applies")


def _flush(session: Session, conflict: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        log.info("integrity error translated to a conflict: %s", exc.orig)   # database text stays in the log
        raise ConflictError(conflict) from exc


def _latest_row(session: Session, area: str, year: str, *, lock: bool = False) -> PlanRow | None:
    stmt = (select(PlanRow).where(PlanRow.area_code == area, PlanRow.year == year)
            .order_by(PlanRow.version.desc()).limit(1))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.scalars(stmt).first()


def _version_row(session: Session, area: str, year: str, version: int) -> PlanRow | None:
    stmt = select(PlanRow).where(
        PlanRow.area_code == area, PlanRow.year == year, PlanRow.version == version)
    return session.scalars(stmt).first()


def _status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise InputError(f"'{value}' is not a plan status (one of: {known})") from None


def _record(row: PlanRow) -> PlanRecord:
    if content_sha256(row.document) != row.content_sha256:
        raise InputError("stored plan content does not match its checksum; the store has been altered",
                         where=f"plans id {row.id} ({row.area_code} {row.year} v{row.version})")
    return PlanRecord(
        id=row.id, area_code=row.area_code, year=row.year, version=row.version,
        status=Status(row.status), plan=plan_from_dict(row.document),
        created_at=row.created_at, created_by=row.created_by,
    )
