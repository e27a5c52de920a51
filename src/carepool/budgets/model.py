"""A person's joined-up personal budget: plain immutable records.

One budget blends an NHS element (the personal health budget, paid by a CCG) and a social
care element (paid by the council, less the person's assessed contribution). Each line of the
care and support plan carries its cost and who funds it, so no line is disputed or paid twice.
Amounts are annual and in whole pence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from carepool.money import Money, total


class Funder(StrEnum):
    NHS = "nhs"        # the CCG: the personal health budget element
    LA = "la"          # the council: the social care element
    PERSON = "person"  # the person's assessed contribution to their social care


class Route(StrEnum):
    """How the budget reaches the person."""

    DIRECT_PAYMENT = "direct_payment"    # paid to the person's own account
    MANAGED_ACCOUNT = "managed_account"  # held by a managed-account provider for the person
    THIRD_PARTY = "third_party"          # paid to an organisation that arranges care


@dataclass(frozen=True, slots=True)
class Person:
    id: str            # a pseudonymous id, never an NHS number
    area_code: str     # HWB area
    cohort: str        # cohort id (cohorts.yaml)
    age: int
    illustrative: bool = True


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A line of the care and support plan before the who-pays rules are applied."""

    ref: str
    description: str
    need: str          # need category, matched by the who-pays rules
    cost: Money        # annual


@dataclass(frozen=True, slots=True)
class Share:
    funder: Funder
    amount: Money


@dataclass(frozen=True, slots=True)
class FundedLine:
    """A plan line with its funders; the shares add up exactly to the cost."""

    ref: str
    description: str
    need: str
    cost: Money
    rule: str                     # the who-pays rule that decided the funders
    shares: tuple[Share, ...]

    def amount_for(self, funder: Funder) -> Money:
        return total(s.amount for s in self.shares if s.funder is funder)


@dataclass(frozen=True, slots=True)
class Budget:
    """One version of a person's joined-up budget for a year."""

    person_id: str
    area_code: str
    ccg_code: str                 # the CCG paying the NHS element
    la_code: str                  # the council paying the social care element
    start: date
    end: date
    route: Route
    payee: str                    # who receives payments (the person's account, provider)
    lines: tuple[FundedLine, ...]
    contribution: Money           # the person's assessed contribution (annual)

    @property
    def total(self) -> Money:
        return total(line.cost for line in self.lines)

    def element(self, funder: Funder) -> Money:
        return total(line.amount_for(funder) for line in self.lines)

    @property
    def nhs_element(self) -> Money:
        return self.element(Funder.NHS)

    @property
    def care_element(self) -> Money:
        """The whole social care element: the council's part plus the person's contribution."""
        return self.element(Funder.LA) + self.element(Funder.PERSON)

    def payer_code(self, funder: Funder) -> str:
        """The partner (or person) that pays a funder's part."""
        return {Funder.NHS: self.ccg_code, Funder.LA: self.la_code, Funder.PERSON: self.person_id}[funder]
