"""Data-sharing agreements as records, and the one check every share goes through.

A share is allowed only under an agreement that is in force on the day, covers the
purpose, and names every field being sent. Fields outside the agreement never leave:
the check refuses the whole share rather than trimming it silently, so the sender knows.
A received dataset passes the same check from the other side (``check_receipt``): the
agreement it names, in force, from a party's mailbox, with permitted fields only; and it
is kept no longer than the agreement's retention period (``retention_ends``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from carepool.errors import InputError, PermissionDenied
from carepool.findings import Finding, error


class Purpose(StrEnum):
    DIRECT_CARE = "direct_care"        # s.251B duty to share, unless the person objects
    COMMISSIONING = "commissioning"    # secondary use
    EVALUATION = "evaluation"          # secondary use, pseudonymised

    @property
    def secondary(self) -> bool:
        return self is not Purpose.DIRECT_CARE


def parse_purpose(value: str) -> Purpose:
    try:
        return Purpose(value.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Purpose)
        raise InputError(f"unknown purpose '{value}' (expected one of {choices})") from None


@dataclass(frozen=True)
class Agreement:
    """One data-sharing agreement between organisations (ODS codes).

    ``parties[0]`` is the controller: it holds the pseudonymisation key and the audit log.
    """

    agreement_id: str
    parties: tuple[str, ...]
    purpose: Purpose
    legal_basis: str
    permitted_fields: frozenset[str]
    retention_days: int
    start: date
    end: date
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    mailboxes: dict[str, str] = field(default_factory=dict, compare=False)  # party ODS code -> MESH mailbox

    def __post_init__(self) -> None:
        problems = []
        if not self.agreement_id.strip():
            problems.append("an agreement needs an id")
        if len(self.parties) < 2:
            problems.append("an agreement needs at least two parties")
        if not self.legal_basis.strip():
            problems.append("an agreement needs a legal basis")
        if not self.permitted_fields:
            problems.append("an agreement must permit at least one field")
        if self.retention_days <= 0:
            problems.append("retention must be a positive number of days")
        if self.end < self.start:
            problems.append(f"end {self.end} is before start {self.start}")
        strangers = sorted(set(self.mailboxes) - set(self.parties))
        if strangers:
            problems.append(f"mailboxes given for {', '.join(strangers)}, who are not parties")
        if problems:
            raise InputError("; ".join(problems), where=f"agreement {self.agreement_id or '?'}")

    @property
    def controller(self) -> str:
        return self.parties[0]

    def in_force(self, on: date) -> bool:
        return self.start <= on <= self.end

    def party_of_mailbox(self, mailbox: str) -> str | None:
        """The party (ODS code) whose MESH mailbox this is, if the agreement names it."""
        for party, box in self.mailboxes.items():
            if box.upper() == mailbox.strip().upper():
                return party
        return None

    def retention_ends(self, received_on: date) -> date:
        """The last day data received (or derived) on ``received_on`` may be kept."""
        return received_on + timedelta(days=self.retention_days)


def check_share(agreement: Agreement | None, fields: Iterable[str], purpose: Purpose | str,
                on: date, *, recipient: str | None = None) -> list[Finding]:
    """Every reason this share may not go ahead (empty list: it may).

    Refuses a missing agreement, one not yet started or expired on ``on``, a different
    purpose, a recipient who is not a party, and any field the agreement does not permit.
    """
    purpose = purpose if isinstance(purpose, Purpose) else parse_purpose(purpose)
    if agreement is None:
        return [error("agreement-missing", "no data-sharing agreement covers this share")]
    found: list[Finding] = []
    where = {"field": f"agreement {agreement.agreement_id}"}
    if on < agreement.start:
        found.append(error("agreement-not-started",
                           f"agreement {agreement.agreement_id} starts on {agreement.start}, "
                           f"not yet in force on {on}", **where))
    if on > agreement.end:
        found.append(error("agreement-expired",
                           f"agreement {agreement.agreement_id} expired on {agreement.end}", **where))
    if purpose is not agreement.purpose:
        found.append(error("agreement-purpose",
                           f"agreement {agreement.agreement_id} is for {agreement.purpose.value}, "
                           f"not {purpose.value}", **where))
    if recipient is not None and recipient not in agreement.parties:
        found.append(error("agreement-party",
                           f"{recipient} is not a party to agreement {agreement.agreement_id}", **where))
    for name in sorted(set(fields) - agreement.permitted_fields):
        found.append(error("field-not-permitted",
                           f"field '{name}' is not permitted by agreement {agreement.agreement_id}",
                           field=name))
    return found


def authorise_share(agreement: Agreement | None, fields: Iterable[str], purpose: Purpose | str,
                    on: date, *, recipient: str | None = None) -> Agreement:
    """The agreement, if the share may go ahead; otherwise :class:`PermissionDenied` with every reason."""
    found = check_share(agreement, fields, purpose, on, recipient=recipient)
    if found:
        raise PermissionDenied("share refused: " + "; ".join(f.message for f in found))
    assert agreement is not None
    return agreement


def check_receipt(agreement: Agreement | None, fields: Iterable[str], sender_mailbox: str, on: date, *,
                  agreement_id: str | None = None) -> list[Finding]:
    """Every reason an incoming dataset may not be accepted (empty list: it may).

    The local copy of the agreement it names must exist and be in force on ``on``, the
    sending mailbox must belong to one of its parties, and every column must be a field
    it permits; the purpose is the agreement's own.
    """
    if agreement is None:
        named = f" '{agreement_id}'" if agreement_id else ""
        return [error("agreement-missing", f"no local data-sharing agreement{named} covers this message")]
    sender = agreement.party_of_mailbox(sender_mailbox)
    found = check_share(agreement, fields, agreement.purpose, on, recipient=sender)
    if sender is None:
        found.insert(0, error("agreement-sender",
                              f"mailbox {sender_mailbox or '?'} is not the mailbox of a party to agreement "
                              f"{agreement.agreement_id}", field=f"agreement {agreement.agreement_id}"))
    return found
