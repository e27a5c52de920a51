"""Use cases of the information governance lead: agreements from what a person typed, their review
and early end, the objections register as a whole, held datasets with their retention, the shares
sent and received. The web's IG pages and ``carepool share`` both call these.

Every change is written to the sharing audit log in the same transaction as the change; reading
the objections register (NHS numbers) is a read of person-level data and is audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from carepool.errors import InputError
from carepool.services.clock import now_utc
from carepool.services.sharing_audit import audit_key
from carepool.sharing.agreements import Agreement, parse_purpose
from carepool.sharing.audit import AuditEntry
from carepool.sharing.objections import Objection
from carepool.store import sharing_tables as repo
from carepool.store.db import Store
from carepool.store.sharing_tables import HeldDataset, ObjectionEvent

SHARE_ACTIONS = ("share.send", "share.receive", "linkage.read")   # and each one's ".refused"
AGREEMENT_ACTIONS = ("agreement.add", "agreement.review", "agreement.expire")
REVIEW_OUTCOMES = {"continue": "continues unchanged", "amend": "to be amended", "end": "to be ended"}
MAX_TEXT = 2000          # a note, legal basis or description typed into a form


def text_list(value: str) -> tuple[str, ...]:
    """``"RR8, 00C"`` -> ``("RR8", "00C")``: the parts of a comma-separated list, blanks dropped."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)", where=where) from None


def parse_mailboxes(value: str) -> dict[str, str]:
    """``"RR8=X26ABC1, 00C=X26ABC2"`` -> each party's MESH mailbox."""
    boxes: dict[str, str] = {}
    for pair in text_list(value):
        party, sep, box = pair.partition("=")
        if not sep or not party.strip() or not box.strip():
            raise InputError(f"'{pair}' is not PARTY=MAILBOX", where="mailboxes")
        boxes[party.strip()] = box.strip()
    return boxes


def agreement_from_text(*, agreement_id: str, parties: str, purpose: str, legal_basis: str, fields: str,
                        retention_days: str | int, start: str, end: str, description: str = "",
                        mailboxes: str = "") -> Agreement:
    """An agreement from the words a person typed (the CLI's options, the web's form), or InputError."""
    for name, value in (("legal basis", legal_basis), ("description", description)):
        if len(value) > MAX_TEXT:
            raise InputError(f"at most {MAX_TEXT} characters", where=name)
    try:
        days = int(str(retention_days).strip())
    except ValueError:
        raise InputError(f"'{retention_days}' is not a whole number of days", where="retention days") from None
    return Agreement(agreement_id.strip(), text_list(parties), parse_purpose(purpose), legal_basis.strip(),
                     frozenset(text_list(fields)), days, parse_date(start, "start"), parse_date(end, "end"),
                     description.strip(), mailboxes=parse_mailboxes(mailboxes))


def _audit(session: Session, actor: str, action: str, subject: str, agreement: Agreement | None = None) -> None:
    repo.append_audit(session, key=audit_key(), at=now_utc(), actor=actor, action=action,
                      subject=subject, agreement_id=agreement.agreement_id if agreement else None,
                      purpose=agreement.purpose.value if agreement else None)


# agreements ---------------------------------------------------------------------------------
def get_agreement(store: Store, agreement_id: str) -> Agreement:
    with store.transaction() as session:
        return repo.get_agreement(session, agreement_id)


def review_agreement(store: Store, agreement_id: str, *, actor: str, on: date, outcome: str, note: str) -> None:
    """Record that the agreement was reviewed on ``on``: the outcome and why (kept in the audit log)."""
    if outcome not in REVIEW_OUTCOMES:
        raise InputError(f"unknown outcome '{outcome}' (one of {', '.join(REVIEW_OUTCOMES)})", where="outcome")
    if not note.strip() or len(note) > MAX_TEXT:
        raise InputError(f"say what the review found (1 to {MAX_TEXT} characters)", where="note")
    with store.transaction() as session:
        agreement = repo.get_agreement(session, agreement_id)
        _audit(session, actor, "agreement.review",
               f"agreement {agreement_id} reviewed on {on}: {REVIEW_OUTCOMES[outcome]}: {note.strip()}", agreement)


def expire_agreement(store: Store, agreement_id: str, *, actor: str, on: date, reason: str) -> date:
    """End the agreement early: from the day after ``on`` nothing may be shared or received under it,
    and what is held under it keeps its retention. Returns the end date it had."""
    if not reason.strip() or len(reason) > MAX_TEXT:
        raise InputError(f"say why the agreement ends early (1 to {MAX_TEXT} characters)", where="reason")
    with store.transaction() as session:
        was = repo.end_agreement(session, agreement_id, on)
        agreement = repo.get_agreement(session, agreement_id)
        _audit(session, actor, "agreement.expire",
               f"agreement {agreement_id} ended early on {on} (was to end {was}): {reason.strip()}", agreement)
    return was


def agreement_history(store: Store, agreement_id: str) -> list[AuditEntry]:
    """What was done to the agreement (recorded, reviewed, ended), oldest first, from the audit log."""
    with store.transaction() as session:
        entries, _, _ = repo.read_audit(session)
    return [e for e in entries if e.agreement_id == agreement_id and e.action in AGREEMENT_ACTIONS]


# the objections register ----------------------------------------------------------------------
@dataclass(frozen=True)
class Register:
    in_force: list[Objection]
    history: list[ObjectionEvent]       # every recorded and withdrawn event, oldest first


def objections_register(store: Store, *, actor: str, purpose: str = "the objections register page") -> Register:
    """Who objects now and every event: NHS numbers, so the read is audited (never the numbers)."""
    with store.transaction() as session:
        register = Register(repo.list_objections(session), repo.objection_history(session))
        _audit(session, actor, "objection.read",
               f"{purpose}: {len(register.in_force)} objections in force, {len(register.history)} events read")
    return register


def withheld_rows_shown(store: Store, *, actor: str, agreement_id: str, message_id: str, shown: int,
                        withheld: int) -> None:
    """Audit a showing of which rows of a sent share were withheld and why (person-level: the row
    of a person who objected or opted out), as the register's reads are: counts, never the numbers."""
    with store.transaction() as session:
        agreement = repo.get_agreement(session, agreement_id)
        _audit(session, actor, "objection.read",
               f"send confirmation of message {message_id}: {shown} withheld rows shown by row number and kind"
               f"{f' (of {withheld})' if withheld > shown else ''}", agreement)


# held datasets and retention ------------------------------------------------------------------
@dataclass(frozen=True)
class HeldWithRetention:
    dataset: HeldDataset
    agreement_end: date
    retention_ends: date       # the last day it may be kept
    status: str                # "held", "past retention" (the purge has not run yet) or "purged"


def datasets_with_retention(store: Store, on: date) -> list[HeldWithRetention]:
    """Every registered dataset with the last day it may be kept and where it stands on ``on``."""
    with store.transaction() as session:
        agreements = {a.agreement_id: a for a in repo.list_agreements(session)}
        held = repo.list_datasets(session)
    out = []
    for d in held:
        agreement = agreements[d.agreement_id]
        ends = agreement.retention_ends(d.received_on)
        status = "purged" if d.purged_at is not None else ("past retention" if on > ends else "held")
        out.append(HeldWithRetention(d, agreement.end, ends, status))
    return out


# shares sent and received ---------------------------------------------------------------------
def shares(store: Store) -> list[AuditEntry]:
    """Every share sent, message received, linkage read and refusal of one, newest first."""
    with store.transaction() as session:
        entries, _, _ = repo.read_audit(session)
    wanted = {*SHARE_ACTIONS, *(f"{a}.refused" for a in SHARE_ACTIONS)}
    return [e for e in reversed(entries) if e.action in wanted]
