"""The plan lifecycle as a pure state machine.

draft -> (each partner signs off) -> partners_signed_off -> (HWB signs off) -> hwb_signed_off
-> submitted -> assured (with an outcome from the programme year). A submitted or assured plan
is never edited: a change is a new version, which starts again as a draft. Every transition
is an ``Event`` (who, when, what); the store appends them and never rewrites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from carepool.errors import ConflictError, PermissionDenied
from carepool.programme.model import ProgrammeYear


class Status(StrEnum):
    DRAFT = "draft"
    PARTNERS_SIGNED_OFF = "partners_signed_off"
    HWB_SIGNED_OFF = "hwb_signed_off"
    SUBMITTED = "submitted"
    ASSURED = "assured"
    SUPERSEDED = "superseded"


EDITABLE = frozenset({Status.DRAFT})


class Step(StrEnum):
    """What may happen next to a plan version (who may take the step is the caller's question)."""

    SIGN_OFF = "sign_off"            # a partner who has not yet signed
    HWB_SIGN_OFF = "hwb_sign_off"
    SUBMIT = "submit"
    ASSURE = "assure"


@dataclass(frozen=True, slots=True)
class Event:
    action: str          # created, signed_off, hwb_signed_off, submitted, assured, superseded
    actor: str           # who (a user name or organisation)
    at: datetime
    from_status: Status | None
    to_status: Status
    detail: str = ""     # partner code, assurance outcome, conditions


@dataclass(frozen=True)
class PlanState:
    """Where a plan version stands, derived from its events."""

    status: Status
    partner_signoffs: frozenset[str]
    outcome: str | None = None
    conditions: str = ""

    def awaiting(self, signing: frozenset[str]) -> tuple[str, ...]:
        """The signing partners who have not signed yet, in code order."""
        return tuple(sorted(signing - self.partner_signoffs))

    def is_fundable(self, programme: ProgrammeYear) -> bool:
        """Assured with an outcome the year funds: the one check every money path makes (issue 12).

        A "not approved" plan is assured but never funded: no contributions, no returns, no
        payment for performance; the area makes a new version and submits it again.
        """
        return self.status is Status.ASSURED and programme.is_fundable(self.outcome)

    def why_not_fundable(self, programme: ProgrammeYear) -> str:
        """Plain words for why this version is not funded ('' when it is)."""
        if self.is_fundable(programme):
            return ""
        if self.status is not Status.ASSURED:
            return f"it is {self.status.value.replace('_', ' ')}, not assured"
        return (f"it was assured '{self.outcome}', which {programme.name} never funds; the area must submit "
                "a new version")


_NEXT = {Status.PARTNERS_SIGNED_OFF: Step.HWB_SIGN_OFF, Status.HWB_SIGNED_OFF: Step.SUBMIT,
         Status.SUBMITTED: Step.ASSURE}


def next_steps(state: PlanState, signing: frozenset[str]) -> frozenset[Step]:
    """The steps the lifecycle allows from ``state`` (``signing``: the plan's signing partners)."""
    if state.status is Status.DRAFT:
        return frozenset({Step.SIGN_OFF}) if state.awaiting(signing) else frozenset()
    step = _NEXT.get(state.status)
    return frozenset({step}) if step else frozenset()


def replay(events: list[Event]) -> PlanState:
    """Rebuild the state from the event history (the history is the truth)."""
    state = PlanState(Status.DRAFT, frozenset())
    for event in events:
        signed = state.partner_signoffs
        if event.action == "signed_off":
            signed = signed | {signed_partner(event)}
        outcome, conditions = state.outcome, state.conditions
        if event.action == "assured":
            outcome, _, conditions = event.detail.partition("|")
        state = PlanState(event.to_status, signed, outcome, conditions)
    return state


def sign_off_partner(
    state: PlanState, partner: str, required_partners: set[str], actor: str, at: datetime, signatories: str = ""
) -> Event:
    """A signing partner (the council, a CCG or an ICB) signs off; once all have, partners_signed_off.

    ``signatories``: who signed for the partner where the year names them (2025-26: chief
    executives, the s151 officer), kept in the event after the partner code and a "|".
    """
    if state.status not in (Status.DRAFT,):
        raise ConflictError(f"a partner cannot sign off a plan that is {state.status.value}")
    if partner not in required_partners:
        raise PermissionDenied(f"'{partner}' is not a partner to this plan")
    if partner in state.partner_signoffs:
        raise ConflictError(f"'{partner}' has already signed off this plan")
    done = state.partner_signoffs | {partner}
    to = Status.PARTNERS_SIGNED_OFF if done >= required_partners else Status.DRAFT
    return Event("signed_off", actor, at, state.status, to, f"{partner}|{signatories}" if signatories else partner)


def signed_partner(event: Event) -> str:
    """The partner a ``signed_off`` event is for (its detail may also name the signatories)."""
    return event.detail.partition("|")[0]


def sign_off_hwb(state: PlanState, actor: str, at: datetime) -> Event:
    if state.status is not Status.PARTNERS_SIGNED_OFF:
        raise ConflictError(
            "the Health and Wellbeing Board signs off only after every partner has "
            f"(plan is {state.status.value})"
        )
    return Event("hwb_signed_off", actor, at, state.status, Status.HWB_SIGNED_OFF)


def submit(state: PlanState, actor: str, at: datetime) -> Event:
    if state.status is not Status.HWB_SIGNED_OFF:
        raise ConflictError(f"only an HWB-signed-off plan can be submitted (plan is {state.status.value})")
    return Event("submitted", actor, at, state.status, Status.SUBMITTED)


def assure(
    state: PlanState, outcome: str, outcomes: tuple[str, ...], actor: str, at: datetime,
    conditions: str = "",
) -> Event:
    if state.status is not Status.SUBMITTED:
        raise ConflictError(f"only a submitted plan can be assured (plan is {state.status.value})")
    if outcome not in outcomes:
        raise ConflictError(f"'{outcome}' is not an assurance outcome (one of: {', '.join(outcomes)})")
    if outcome == "approved subject to conditions" and not conditions.strip():
        raise ConflictError("'approved subject to conditions' needs the conditions written down")
    return Event("assured", actor, at, state.status, Status.ASSURED, f"{outcome}|{conditions}")


def require_editable(state: PlanState) -> None:
    if state.status not in EDITABLE:
        raise ConflictError(
            f"a {state.status.value.replace('_', ' ')} plan cannot be edited; import a new version"
        )
