"""The conditions register: what "approved subject to conditions" asks of an area, as data.

Each condition has an id (C1, C2, ... within an area's year), text, an owner, a due date,
evidence and a status: open, met or lapsed. The national assurer sets a condition (at
assurance or after) and may lapse one; the area meets it with evidence. Every step is an
``Entry`` appended to the history, never rewritten; the register is what the entries replay to.
While a condition is open, the year's programme file may hold money back
(``ProgrammeYear.conditions_hold``); the ledger service acts on ``any_open``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from carepool.errors import ConflictError, InputError

MAX_TEXT = 2000


class ConditionStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    LAPSED = "lapsed"


@dataclass(frozen=True, slots=True)
class Entry:
    """One step in a condition's history: set, met or lapsed (who, when, what)."""

    condition_id: str
    action: str            # "set", "met" or "lapsed"
    status: ConditionStatus
    text: str
    owner: str
    due: date
    evidence: str          # what shows it was met, or why it lapsed
    plan_version: int | None
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition as it stands now, with its history (oldest first)."""

    id: str
    text: str
    owner: str
    due: date
    status: ConditionStatus
    evidence: str
    plan_version: int | None
    history: tuple[Entry, ...]

    def overdue(self, today: date) -> bool:
        return self.status is ConditionStatus.OPEN and self.due < today


def replay(entries: Iterable[Entry]) -> dict[str, Condition]:
    """The register (by condition id, in the order set) from its append-only history."""
    out: dict[str, Condition] = {}
    for e in entries:
        before = out.get(e.condition_id)
        history = (*before.history, e) if before is not None else (e,)
        out[e.condition_id] = Condition(e.condition_id, e.text, e.owner, e.due, e.status, e.evidence,
                                        e.plan_version, history)
    return out


def any_open(register: dict[str, Condition]) -> bool:
    return any(c.status is ConditionStatus.OPEN for c in register.values())


def _required(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"a condition needs its {what}", where=what)
    if len(value) > MAX_TEXT:
        raise InputError(f"at most {MAX_TEXT} characters", where=what)
    return value


def set_condition(register: dict[str, Condition], text: str, owner: str, due: date, *,
                  plan_version: int | None, actor: str, at: datetime) -> Entry:
    """A new open condition, numbered after the area's others (C1, C2, ...)."""
    number = 1 + max((int(c[1:]) for c in register if c[1:].isdigit()), default=0)
    return Entry(f"C{number}", "set", ConditionStatus.OPEN, _required(text, "text"), _required(owner, "owner"),
                 due, "", plan_version, actor, at)


def _open(register: dict[str, Condition], condition_id: str) -> Condition:
    found = register.get(condition_id.strip().upper())
    if found is None:
        known = ", ".join(register) or "none"
        raise InputError(f"no condition '{condition_id}' (this area's: {known})", where="condition")
    if found.status is not ConditionStatus.OPEN:
        raise ConflictError(f"condition {found.id} is already {found.status.value}")
    return found


def meet(register: dict[str, Condition], condition_id: str, evidence: str, *, actor: str, at: datetime) -> Entry:
    """The area meets an open condition; the evidence says what shows it."""
    c = _open(register, condition_id)
    return Entry(c.id, "met", ConditionStatus.MET, c.text, c.owner, c.due, _required(evidence, "evidence"),
                 c.plan_version, actor, at)


def lapse(register: dict[str, Condition], condition_id: str, reason: str, *, actor: str, at: datetime) -> Entry:
    """The national assurer records that an open condition was not met in time (money stays held)."""
    c = _open(register, condition_id)
    return Entry(c.id, "lapsed", ConditionStatus.LAPSED, c.text, c.owner, c.due, _required(reason, "reason"),
                 c.plan_version, actor, at)
