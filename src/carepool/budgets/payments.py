"""Payments out of a joined-up budget, as ledger-ready instructions, and the budget's account.

Each funder's element is paid in monthly instalments (largest remainder, so they add up
exactly). A review re-spreads what is still unpaid over the months left, so across any
sequence of payments and reviews the instalments sum to the latest budget. A payment that
would take a funder past its element is refused unless an authorisation record covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from carepool.budgets.model import Budget, Funder, Route
from carepool.budgets.versions import BudgetHistory, revise
from carepool.errors import ConflictError, InputError, PermissionDenied
from carepool.money import Money, apportion, total


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """One payment, ready for the ledger: plain data with an idempotency key."""

    key: str
    on: date
    person_id: str
    area_code: str
    funder: Funder
    payer: str           # partner code (CCG or council) or the person for their contribution
    payee: str
    route: Route
    amount: Money
    budget_version: int
    authorisation: str | None = None


@dataclass(frozen=True, slots=True)
class Authorisation:
    """Leave to pay a funder's part beyond its element, up to ``extra``: who, when and why."""

    ref: str
    person_id: str
    funder: Funder
    extra: Money
    by: str
    at: datetime
    reason: str


def months(budget: Budget) -> list[date]:
    """The first day of each month the budget runs (April 2015 to March 2016: 12)."""
    return month_starts(budget.start, budget.end)


def month_starts(start: date, end: date) -> list[date]:
    """The first day of each month from ``start``'s month while on or before ``end``."""
    out: list[date] = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def payment_key(person_id: str, on: date, funder: Funder, version: int) -> str:
    return f"pb:{person_id}:{on:%Y-%m}:{funder.value}:v{version}"


@dataclass(frozen=True, slots=True)
class BudgetAccount:
    """A budget's history, what has been paid from it and the authorisations given."""

    history: BudgetHistory
    paid: tuple[PaymentInstruction, ...] = ()
    authorisations: tuple[Authorisation, ...] = ()

    @property
    def budget(self) -> Budget:
        return self.history.current.budget

    def paid_by(self, funder: Funder) -> Money:
        return total(p.amount for p in self.paid if p.funder is funder)

    def authorised_extra(self, funder: Funder) -> Money:
        return total(a.extra for a in self.authorisations if a.funder is funder)

    def limit(self, funder: Funder) -> Money:
        return self.budget.element(funder) + self.authorised_extra(funder)

    def paid_on_schedule(self, funder: Funder) -> Money:
        """Paid towards the element itself (authorised extras are on top of it)."""
        return total(p.amount for p in self.paid if p.funder is funder and p.authorisation is None)

    def unpaid(self, funder: Funder) -> Money:
        return self.budget.element(funder) - self.paid_on_schedule(funder)


def due(account: BudgetAccount, month: date) -> list[PaymentInstruction]:
    """What each funder should pay on ``month``: its unpaid element spread over the months left."""
    budget = account.budget
    left = [m for m in months(budget) if m >= month]
    if not left or month not in left:
        return []
    version = account.history.current.number
    out: list[PaymentInstruction] = []
    for funder in Funder:
        unpaid = account.unpaid(funder)
        if unpaid.pence <= 0:
            continue
        amount = apportion(unpaid, [1] * len(left))[0]
        if amount.pence <= 0:
            continue
        out.append(PaymentInstruction(
            key=payment_key(budget.person_id, month, funder, version), on=month, person_id=budget.person_id,
            area_code=budget.area_code, funder=funder, payer=budget.payer_code(funder), payee=budget.payee,
            route=budget.route, amount=amount, budget_version=version,
        ))
    return out


def pay(account: BudgetAccount, instruction: PaymentInstruction) -> BudgetAccount:
    """The account with ``instruction`` paid; a re-run of the same key is a no-op.

    Refused: a payment for another person, a non-positive amount, the same key with different
    content, and a payment beyond the funder's element without an authorisation to cover it.
    """
    budget = account.budget
    if instruction.person_id != budget.person_id:
        raise ConflictError(f"payment {instruction.key} is for {instruction.person_id}, not {budget.person_id}")
    if instruction.amount.pence <= 0:
        raise InputError(f"payment {instruction.key}: the amount must be positive, got {instruction.amount}")
    existing = next((p for p in account.paid if p.key == instruction.key), None)
    if existing is not None:
        if existing == instruction:
            return account
        raise ConflictError(f"payment key {instruction.key} was used before for a different payment")
    after = account.paid_by(instruction.funder) + instruction.amount
    if after > account.limit(instruction.funder):
        element = budget.element(instruction.funder)
        raise PermissionDenied(
            f"payment {instruction.key} of {instruction.amount} would take the {instruction.funder.value} part of "
            f"{budget.person_id}'s budget to {after}, beyond its {element}"
            + (f" plus {account.authorised_extra(instruction.funder)} authorised" if account.authorisations else "")
            + ": record an authorisation first"
        )
    return replace(account, paid=(*account.paid, instruction))


def authorise(account: BudgetAccount, authorisation: Authorisation) -> BudgetAccount:
    if authorisation.person_id != account.budget.person_id:
        raise ConflictError(f"authorisation {authorisation.ref} is for another person")
    if not authorisation.by.strip() or not authorisation.reason.strip():
        raise InputError(f"authorisation {authorisation.ref} needs who gave it and why")
    if authorisation.extra.pence <= 0:
        raise InputError(f"authorisation {authorisation.ref} must allow a positive amount")
    if any(a.ref == authorisation.ref for a in account.authorisations):
        raise ConflictError(f"authorisation {authorisation.ref} is already recorded")
    return replace(account, authorisations=(*account.authorisations, authorisation))


def authorised_payment(account: BudgetAccount, instruction: PaymentInstruction, ref: str) -> PaymentInstruction:
    """``instruction`` citing authorisation ``ref`` (which must exist for its funder)."""
    if not any(a.ref == ref and a.funder is instruction.funder for a in account.authorisations):
        raise PermissionDenied(f"no authorisation '{ref}' for the {instruction.funder.value} part")
    return replace(instruction, authorisation=ref, key=f"{instruction.key}:auth:{ref}")


def review(account: BudgetAccount, budget: Budget, *, by: str, at: datetime, reason: str) -> BudgetAccount:
    """A new budget version; payments made stay, and ``due`` re-spreads what is unpaid."""
    return replace(account, history=revise(account.history, budget, by=by, at=at, reason=reason))


def recovery_due(account: BudgetAccount) -> dict[Funder, Money]:
    """Overpayments after a review lowered a funder's element (to be recovered, not lost)."""
    return {f: -account.unpaid(f) for f in Funder if account.unpaid(f).is_negative}


def pay_all(account: BudgetAccount, instructions: Sequence[PaymentInstruction]) -> BudgetAccount:
    for instruction in instructions:
        account = pay(account, instruction)
    return account
