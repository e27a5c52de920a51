"""Payment instructions as pooled-fund ledger transactions (``carepool.ledger``).

The NHS and council parts of a budget are paid out of the area's Section 75 pool: one
transaction each, expense against the fund, keyed by the instruction's idempotency key so a
re-run posts nothing twice. The person's own contribution never passes through the pool, so
it is returned separately rather than posted.
"""

from __future__ import annotations

from collections.abc import Sequence

from carepool.budgets.model import Funder
from carepool.budgets.payments import PaymentInstruction
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Kind, Transaction, transaction


def expense_account(instruction: PaymentInstruction) -> str:
    return acc.personal_budget(instruction.funder.value, instruction.route.value)


def to_transaction(instruction: PaymentInstruction, pool: str) -> Transaction:
    payee = acc.provider(instruction.payee)
    pence = instruction.amount.pence
    return transaction(
        key=instruction.key, area=instruction.area_code, pool=pool, on=instruction.on, kind=Kind.SPEND.value,
        narration=(f"Personal budget {instruction.person_id}: {instruction.funder.value} part paid by "
                   f"{instruction.payer} to {instruction.payee} ({instruction.route.value})"
                   + (f", authorised {instruction.authorisation}" if instruction.authorisation else "")),
        postings=[(expense_account(instruction), pence), (payee, -pence), (payee, pence), (acc.FUND, -pence)],
    )


def ledger_transactions(instructions: Sequence[PaymentInstruction], pool: str = "P1") -> tuple[
        list[Transaction], list[PaymentInstruction]]:
    """Transactions for the pool-funded instructions, and the person-funded ones left outside."""
    posted = [to_transaction(i, pool) for i in instructions if i.funder is not Funder.PERSON]
    outside = [i for i in instructions if i.funder is Funder.PERSON]
    return posted, outside
