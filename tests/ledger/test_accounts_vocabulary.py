"""The ledger's account type owns its vocabulary: names are built and recognised in ledger/accounts only."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Kind, Transaction, transaction

SRC = Path(__file__).resolve().parents[2] / "src" / "carepool"


def test_year_end_and_personal_budget_accounts_are_recognised() -> None:
    assert acc.is_settlement_expense(acc.settlement_expense("03L"))
    assert acc.is_settlement_income(acc.settlement_income("03L"))
    assert not acc.is_settlement_expense(acc.settlement_income("03L"))
    for fund in acc.FUNDS:
        assert acc.is_carried_forward(acc.carried_forward(fund, "DFG"))
        assert acc.is_brought_forward(acc.brought_forward(fund))
        assert not acc.is_brought_forward(acc.carried_forward(fund))
    assert acc.is_passed_to_districts(acc.passed_to_districts("DFG"))
    assert acc.personal_budget("nhs", "direct_payment") == "Expenses:PersonalBudgets:nhs:direct_payment"
    assert acc.is_personal_budget(acc.personal_budget("la", "managed")) and not acc.is_personal_budget(acc.FUND)


def test_no_module_outside_the_ledger_spells_an_account_prefix() -> None:
    roots = tuple(f"{r}:" for r in acc.ROOTS)
    checked, offenders = 0, []
    for path in SRC.rglob("*.py"):
        if "ledger" in path.relative_to(SRC).parts[:1] or "migrations" in path.parts:
            continue
        checked += 1
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(roots):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {node.value!r}")
    assert checked > 100 and offenders == []


def test_a_transaction_kind_is_the_enum_and_an_unknown_kind_is_refused() -> None:
    built = transaction("k1", "E08000018", "P1", date(2015, 5, 1), "spend", "n", [(acc.FUND, 1), ("Expenses:X", -1)])
    assert built.kind is Kind.SPEND
    read_back = Transaction("k2", "E08000018", "P1", date(2015, 5, 1), "opening", "n", ())  # type: ignore[arg-type]
    assert read_back.kind is Kind.OPENING
    with pytest.raises(InputError, match="unknown transaction kind 'gift'"):
        transaction("k3", "E08000018", "P1", date(2015, 5, 1), "gift", "n", [])
