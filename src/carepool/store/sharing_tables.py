"""Sharing records in the store: agreements, the controller's keys, objections, held datasets, the audit log.

Tables and their repository functions together (one concept: what sharing must remember).
Functions take a ``Session`` and never commit; callers own the unit of work. The audit
log is append-only: rows are inserted, never updated, and ``sharing_audit_head`` holds the
last sequence number and hash so that removing the newest row is caught as well. The
objections register is a history of events (recorded, withdrawn), append-only too (the
database refuses UPDATE and DELETE, triggers in 0006), one history per person and kind (a local
objection, the national data opt-out; 0020): an objection is in force while its latest event is
"recorded". Held datasets (received over MESH, or links written under an
agreement) are registered with the day they arrived, so retention can be enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carepool.errors import ConflictError, InputError, NotFound
from carepool.sharing.agreements import Agreement, Purpose
from carepool.sharing.audit import AuditEntry, next_entry
from carepool.sharing.objections import Objection, ObjectionKind
from carepool.sharing.pseudonymise import PseudonymKey
from carepool.store.db import Base
from carepool.store.types import UtcDateTime

PURPOSES = ", ".join(f"'{p.value}'" for p in Purpose)  # constants only


class AgreementRow(Base):
    __tablename__ = "sharing_agreements"
    __table_args__ = (
        CheckConstraint(f"purpose IN ({PURPOSES})", name="purpose_known"),
        CheckConstraint("retention_days > 0", name="retention_positive"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    agreement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parties: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    permitted_fields: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    retention_days: Mapped[int] = mapped_column(Integer, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    mailboxes: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict, server_default="{}")


class KeyRow(Base):
    """The controller's pseudonymisation secret for one agreement (never exported)."""

    __tablename__ = "sharing_keys"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.agreement_id"), primary_key=True)
    controller: Mapped[str] = mapped_column(String(16), nullable=False)
    secret_hex: Mapped[str] = mapped_column(String(128), nullable=False)


OBJECTION_EVENTS = ("recorded", "withdrawn")
OBJECTION_KINDS = ", ".join(f"'{k.value}'" for k in ObjectionKind)  # constants only
APPEND_ONLY = ("sharing_objection_events",)


class ObjectionEventRow(Base):
    """One event in the objections registry's history (never updated or deleted)."""

    __tablename__ = "sharing_objection_events"
    __table_args__ = (
        CheckConstraint("event IN ('recorded', 'withdrawn')", name="event_known"),
        CheckConstraint(f"kind IN ({OBJECTION_KINDS})", name="kind_known"),
        Index("ix_sharing_objection_events_nhs_number", "nhs_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nhs_number: Mapped[str] = mapped_column(String(10), nullable=False)
    event: Mapped[str] = mapped_column(String(16), nullable=False)
    organisation: Mapped[str] = mapped_column(String(16), nullable=False)
    on: Mapped[date] = mapped_column(Date, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(24), nullable=False, default=ObjectionKind.LOCAL.value,
                                      server_default=ObjectionKind.LOCAL.value)   # each kind has its own history


class DatasetRow(Base):
    """A person-level file held under an agreement: received over MESH, or links written locally."""

    __tablename__ = "sharing_datasets"
    __table_args__ = (CheckConstraint("kind IN ('received', 'links')", name="kind_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.agreement_id"), nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False)       # message id and sender, or input files
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditRow(Base):
    """One audit entry; ``id`` is storage order, ``seq`` the entry's place in the chain."""

    __tablename__ = "sharing_audit"
    __table_args__ = (CheckConstraint("seq >= 1", name="seq_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    agreement_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(32), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditHeadRow(Base):
    __tablename__ = "sharing_audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


# agreements and keys -------------------------------------------------------------------------
def add_agreement(session: Session, agreement: Agreement, key: PseudonymKey | None = None) -> None:
    """Record an agreement and create (or store the given) controller key for it."""
    if session.get(AgreementRow, agreement.agreement_id) is not None:
        raise ConflictError(f"agreement {agreement.agreement_id} already exists")
    session.add(AgreementRow(
        agreement_id=agreement.agreement_id, parties=list(agreement.parties), purpose=agreement.purpose.value,
        legal_basis=agreement.legal_basis, permitted_fields=sorted(agreement.permitted_fields),
        retention_days=agreement.retention_days, start_date=agreement.start, end_date=agreement.end,
        description=agreement.description, mailboxes=dict(agreement.mailboxes)))
    session.flush()
    key = key or PseudonymKey.new(agreement.agreement_id, agreement.controller)
    session.add(KeyRow(agreement_id=agreement.agreement_id, controller=key.controller,
                       secret_hex=key.secret.hex()))


def _agreement(row: AgreementRow) -> Agreement:
    return Agreement(row.agreement_id, tuple(row.parties), Purpose(row.purpose), row.legal_basis,
                     frozenset(row.permitted_fields), row.retention_days, row.start_date, row.end_date,
                     row.description, mailboxes=dict(row.mailboxes or {}))


def find_agreement(session: Session, agreement_id: str) -> Agreement | None:
    row = session.get(AgreementRow, agreement_id)
    return _agreement(row) if row else None


def get_agreement(session: Session, agreement_id: str) -> Agreement:
    found = find_agreement(session, agreement_id)
    if found is None:
        raise NotFound(f"no data-sharing agreement '{agreement_id}'")
    return found


def list_agreements(session: Session) -> list[Agreement]:
    return [_agreement(r) for r in session.scalars(select(AgreementRow).order_by(AgreementRow.agreement_id))]


def end_agreement(session: Session, agreement_id: str, on: date) -> date:
    """End the agreement early, on ``on`` (its last day in force); the end date it had is returned."""
    row = session.get(AgreementRow, agreement_id)
    if row is None:
        raise NotFound(f"no data-sharing agreement '{agreement_id}'")
    if on < row.start_date:
        raise InputError(f"agreement {agreement_id} starts on {row.start_date}: it cannot end before that ({on})")
    if on >= row.end_date:
        raise InputError(f"agreement {agreement_id} already ends on {row.end_date}, not after {on}")
    was, row.end_date = row.end_date, on
    session.flush()
    return was


def get_key(session: Session, agreement_id: str) -> PseudonymKey:
    row = session.get(KeyRow, agreement_id)
    if row is None:
        raise NotFound(f"no pseudonymisation key for agreement '{agreement_id}'")
    return PseudonymKey(row.agreement_id, row.controller, bytes.fromhex(row.secret_hex))


# objections -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectionEvent:
    nhs_number: str
    event: str            # "recorded" | "withdrawn"
    organisation: str
    on: date
    at: datetime
    actor: str
    note: str
    kind: ObjectionKind = ObjectionKind.LOCAL


def _objection(row: ObjectionEventRow) -> Objection:
    return Objection(row.nhs_number, row.organisation, row.on, row.note, ObjectionKind(row.kind))


def _latest(session: Session) -> dict[tuple[str, str], ObjectionEventRow]:
    latest: dict[tuple[str, str], ObjectionEventRow] = {}
    for row in session.scalars(select(ObjectionEventRow).order_by(ObjectionEventRow.id)):
        latest[(row.nhs_number, row.kind)] = row
    return latest


def _latest_of(session: Session, nhs_number: str, kind: ObjectionKind) -> ObjectionEventRow | None:
    return session.scalars(select(ObjectionEventRow)
                           .where(ObjectionEventRow.nhs_number == nhs_number, ObjectionEventRow.kind == kind.value)
                           .order_by(ObjectionEventRow.id.desc())).first()


def add_objection(session: Session, objection: Objection, *, actor: str = "unknown",
                  at: datetime | None = None) -> None:
    latest = _latest_of(session, objection.nhs_number, objection.kind)
    if latest is not None and latest.event == "recorded":
        raise ConflictError(f"{objection.kind.noun} is already recorded for that NHS number")
    session.add(ObjectionEventRow(nhs_number=objection.nhs_number, event="recorded", kind=objection.kind.value,
                                  organisation=objection.organisation, on=objection.recorded_on,
                                  at=at or datetime.now(UTC), actor=actor, note=objection.note))
    session.flush()


def withdraw_objection(session: Session, nhs_number: str, on: date, *, actor: str,
                       at: datetime | None = None, note: str = "",
                       kind: ObjectionKind = ObjectionKind.LOCAL) -> Objection:
    """Record that the person withdrew their objection (or opt-out) of ``kind``; the one it ends is returned."""
    latest = _latest_of(session, nhs_number, kind)
    if latest is None or latest.event != "recorded":
        raise NotFound(f"no {kind.noun.split(' ', 1)[1]} is recorded for that NHS number")
    if on < latest.on:
        raise InputError(f"the withdrawal ({on}) cannot be before the objection was recorded ({latest.on})")
    session.add(ObjectionEventRow(nhs_number=nhs_number, event="withdrawn", kind=kind.value,
                                  organisation=latest.organisation, on=on, at=at or datetime.now(UTC), actor=actor,
                                  note=note))
    session.flush()
    return _objection(latest)


def list_objections(session: Session) -> list[Objection]:
    """Objections in force now, of both kinds: (number, kind) pairs whose latest event is "recorded"."""
    rows = sorted((r for r in _latest(session).values() if r.event == "recorded"),
                  key=lambda r: (r.nhs_number, r.kind))
    return [_objection(r) for r in rows]


def objection_history(session: Session, nhs_number: str | None = None) -> list[ObjectionEvent]:
    query = select(ObjectionEventRow).order_by(ObjectionEventRow.id)
    if nhs_number is not None:
        query = query.where(ObjectionEventRow.nhs_number == nhs_number)
    return [ObjectionEvent(r.nhs_number, r.event, r.organisation, r.on, r.at, r.actor, r.note, ObjectionKind(r.kind))
            for r in session.scalars(query)]


# held datasets --------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeldDataset:
    dataset_id: int
    kind: str
    agreement_id: str
    path: str
    source: str
    received_on: date
    rows: int
    purged_at: datetime | None


def _dataset(row: DatasetRow) -> HeldDataset:
    return HeldDataset(row.id, row.kind, row.agreement_id, row.path, row.source, row.received_on, row.rows,
                       row.purged_at)


def add_dataset(session: Session, *, kind: str, agreement_id: str, path: str, source: str,
                received_on: date, rows: int) -> HeldDataset:
    row = DatasetRow(kind=kind, agreement_id=agreement_id, path=path, source=source, received_on=received_on,
                     rows=rows)
    session.add(row)
    session.flush()
    return _dataset(row)


def get_dataset(session: Session, dataset_id: int) -> HeldDataset:
    row = session.get(DatasetRow, dataset_id)
    if row is None:
        raise NotFound(f"no held dataset {dataset_id}")
    return _dataset(row)


def list_datasets(session: Session, *, held_only: bool = False) -> list[HeldDataset]:
    query = select(DatasetRow).order_by(DatasetRow.id)
    if held_only:
        query = query.where(DatasetRow.purged_at.is_(None))
    return [_dataset(r) for r in session.scalars(query)]


def mark_purged(session: Session, dataset_id: int, at: datetime) -> None:
    row = session.get(DatasetRow, dataset_id)
    if row is None:
        raise NotFound(f"no held dataset {dataset_id}")
    row.purged_at = at
    session.flush()


# audit ------------------------------------------------------------------------------------
def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.subject, row.agreement_id, row.purpose,
                      row.prev_hash, row.hash)


def append_audit(session: Session, *, at: datetime, actor: str, action: str, subject: str,
                 agreement_id: str | None = None, purpose: str | None = None,
                 key: bytes | None = None) -> AuditEntry:
    """Add the next entry to the chain (in the caller's transaction) and move the head.

    ``key`` is the audit key the hashes are keyed with (see ``sharing.audit``); the service
    layer reads it from the server's settings, never from the database."""
    head = session.scalars(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).first()
    last = None
    if head is not None:
        row = session.scalars(select(AuditRow).where(AuditRow.seq == head.seq)).first()
        if row is None:
            raise ConflictError("the audit log's last entry is missing; run 'carepool audit verify'")
        last = _entry(row)
    entry = next_entry(last, at=at, actor=actor, action=action, subject=subject,
                       agreement_id=agreement_id, purpose=purpose, key=key)
    session.add(AuditRow(seq=entry.seq, at=entry.at, actor=entry.actor, action=entry.action,
                         subject=entry.subject, agreement_id=entry.agreement_id, purpose=entry.purpose,
                         prev_hash=entry.prev_hash, hash=entry.hash))
    if head is None:
        session.add(AuditHeadRow(id=1, seq=entry.seq, hash=entry.hash))
    else:
        head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


def read_audit(session: Session) -> tuple[list[AuditEntry], int | None, str | None]:
    """Entries in storage order, and the recorded head (sequence number, hash)."""
    entries = [_entry(r) for r in session.scalars(select(AuditRow).order_by(AuditRow.id))]
    head = session.get(AuditHeadRow, 1)
    return entries, (head.seq if head else None), (head.hash if head else None)
