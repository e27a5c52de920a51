"""Data-sharing agreements as records, and the one check every share goes through.

A share is allowed only under an agreement that is in force on the day, covers the
purpose, and names every field being sent. Fields outside the agreement never leave:
the check refuses the whole share rather than trimming it silently, so the sender knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
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
        if problems:
            raise InputError("; ".join(problems), where=f"agreement {self.agreement_id or '?'}")

    @property
    def controller(self) -> str:
        return self.parties[0]

    def in_force(self, on: date) -> bool:
        return self.start <= on <= self.end


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
