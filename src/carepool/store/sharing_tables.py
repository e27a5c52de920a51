"""Sharing records in the store: agreements, the controller's keys, objections, the audit log.

Tables and their repository functions together (one concept: what sharing must remember).
Functions take a ``Session`` and never commit; callers own the unit of work. The audit
log is append-only: rows are inserted, never updated, and ``sharing_audit_head`` holds the
last sequence number and hash so that removing the newest row is caught as well.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carepool.errors import ConflictError, NotFound
from carepool.sharing.agreements import Agreement, Purpose
from carepool.sharing.audit import AuditEntry, next_entry
from carepool.sharing.objections import Objection
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


class KeyRow(Base):
    """The controller's pseudonymisation secret for one agreement (never exported)."""

    __tablename__ = "sharing_keys"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.agreement_id"), primary_key=True)
    controller: Mapped[str] = mapped_column(String(16), nullable=False)
    secret_hex: Mapped[str] = mapped_column(String(128), nullable=False)


class ObjectionRow(Base):
    __tablename__ = "sharing_objections"

    nhs_number: Mapped[str] = mapped_column(String(10), primary_key=True)
    organisation: Mapped[str] = mapped_column(String(16), nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


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
        description=agreement.description))
    session.flush()
    key = key or PseudonymKey.new(agreement.agreement_id, agreement.controller)
    session.add(KeyRow(agreement_id=agreement.agreement_id, controller=key.controller,
                       secret_hex=key.secret.hex()))


def _agreement(row: AgreementRow) -> Agreement:
    return Agreement(row.agreement_id, tuple(row.parties), Purpose(row.purpose), row.legal_basis,
                     frozenset(row.permitted_fields), row.retention_days, row.start_date, row.end_date,
                     row.description)


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


def get_key(session: Session, agreement_id: str) -> PseudonymKey:
    row = session.get(KeyRow, agreement_id)
    if row is None:
        raise NotFound(f"no pseudonymisation key for agreement '{agreement_id}'")
    return PseudonymKey(row.agreement_id, row.controller, bytes.fromhex(row.secret_hex))


# objections -------------------------------------------------------------------------------
def add_objection(session: Session, objection: Objection) -> None:
    if session.get(ObjectionRow, objection.nhs_number) is not None:
        raise ConflictError("an objection is already recorded for that NHS number")
    session.add(ObjectionRow(nhs_number=objection.nhs_number, organisation=objection.organisation,
                             recorded_on=objection.recorded_on, note=objection.note))


def list_objections(session: Session) -> list[Objection]:
    rows = session.scalars(select(ObjectionRow).order_by(ObjectionRow.nhs_number))
    return [Objection(r.nhs_number, r.organisation, r.recorded_on, r.note) for r in rows]


# audit ------------------------------------------------------------------------------------
def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.subject, row.agreement_id, row.purpose,
                      row.prev_hash, row.hash)


def append_audit(session: Session, *, at: datetime, actor: str, action: str, subject: str,
                 agreement_id: str | None = None, purpose: str | None = None) -> AuditEntry:
    """Add the next entry to the chain (in the caller's transaction) and move the head."""
    head = session.scalars(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()).first()
    last = None
    if head is not None:
        row = session.scalars(select(AuditRow).where(AuditRow.seq == head.seq)).first()
        if row is None:
            raise ConflictError("the audit log's last entry is missing; run 'carepool audit verify'")
        last = _entry(row)
    entry = next_entry(last, at=at, actor=actor, action=action, subject=subject,
                       agreement_id=agreement_id, purpose=purpose)
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
