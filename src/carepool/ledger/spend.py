"""Scheme spend: a payment to a provider for a scheme, checked against the plan.

Each payment is one transaction: the scheme's expense, the invoice owed to the provider and
its payment out of the pool fund. A scheme funded by a capital stream spends from the
capital fund (its accounts carry the fund), anything else from the revenue fund. Its key is
the payment's own reference, so importing the same file again posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.findings import Finding, error
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Kind, Posting, Transaction
from carepool.plans.model import Plan


@dataclass(frozen=True, slots=True)
class Payment:
    """One row of a payments file, already read and typed."""

    row: int
    area: str
    on: date
    scheme: str
    provider: str
    pence: int
    reference: str


def spend_key(area: str, reference: str) -> str:
    return f"spend:{area}:{reference}"


def spend_transaction(payment: Payment, pool: str, fund: str = acc.REVENUE) -> Transaction:
    expense, owed = acc.scheme_spend(payment.scheme, fund), acc.provider(payment.provider)
    return Transaction(
        key=spend_key(payment.area, payment.reference), area=payment.area, pool=pool, on=payment.on,
        kind=Kind.SPEND, narration=f"{payment.scheme} paid to {payment.provider} ({payment.reference})",
        postings=(Posting(expense, payment.pence), Posting(owed, -payment.pence),
                  Posting(owed, payment.pence), Posting(acc.fund_cash(fund), -payment.pence)),
    )


def check_payments(payments: Sequence[Payment], plans: dict[str, Plan], file: str | None = None) -> list[Finding]:
    """Every payment must name an area with a plan and a scheme of that plan, inside its year."""
    found: list[Finding] = []
    for p in payments:
        plan = plans.get(p.area)
        if plan is None:
            found.append(error("spend.no-plan", f"no assured plan for area '{p.area}'",
                               file=file, row=p.row, field="area"))
            continue
        if not any(s.ref == p.scheme for s in plan.schemes):
            found.append(error("spend.unknown-scheme", f"'{p.scheme}' is not a scheme of {p.area}'s plan",
                               file=file, row=p.row, field="scheme"))
    return found


def spend_transactions(payments: Sequence[Payment], plans: dict[str, Plan],
                       capital_streams: Collection[str]) -> list[Transaction]:
    """Transactions for payments already checked with ``check_payments``; a scheme whose source
    is one of ``capital_streams`` (``contributions.capital_streams``) spends capital."""
    out: list[Transaction] = []
    for p in payments:
        plan = plans[p.area]
        scheme = next(s for s in plan.schemes if s.ref == p.scheme)
        out.append(spend_transaction(p, scheme.pool, acc.CAPITAL if scheme.source in capital_streams else acc.REVENUE))
    return out
