"""The Beancount export: safe names, exact amounts, and bean-check accepts it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from carepool.ledger import Books, Payment, post, spend_transactions
from carepool.ledger.beancount import account_name, amount, component, render
from carepool.ledger.contributions import capital_streams
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear

BEAN_CHECK = Path(sys.executable).with_name("bean-check")


def test_names_and_amounts_are_beancount_safe() -> None:
    assert component("Carers' breaks (new)") == "Carers-breaks-new"
    assert component("03L") == "03L"
    assert component("ccg-new-money") == "Ccg-new-money"
    assert account_name("E08000018", "P1", "Liabilities:Providers:Acme & Sons") == \
        "Liabilities:E08000018:P1:Providers:Acme-Sons"
    assert (amount(-5), amount(123456)) == ("-0.05 GBP", "1234.56 GBP")


def test_bean_check_accepts_the_books(plan: Plan, programme: ProgrammeYear, funded: Books, tmp_path: Path) -> None:
    pays = [Payment(1, plan.area_code, date(2015, 7, 10), "S01", 'Home "care" agency', 250_000, "A")]
    books = post(funded, spend_transactions(pays, {plan.area_code: plan}, capital_streams(programme))).books
    out = tmp_path / "books.beancount"
    out.write_text(render(books.transactions), encoding="utf-8")
    done = subprocess.run([str(BEAN_CHECK), str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Expenses:E08000018:P1:Schemes:S01  2500.00 GBP" in out.read_text()


def test_bean_check_rejects_an_unbalanced_export(tmp_path: Path) -> None:
    """The check has teeth: a tampered ledger fails it."""
    out = tmp_path / "bad.beancount"
    out.write_text('option "operating_currency" "GBP"\n2015-04-01 open Assets:A GBP\n2015-04-01 open Income:B GBP\n'
                   '2015-04-02 * "x"\n  Assets:A  1.00 GBP\n  Income:B  -0.99 GBP\n', encoding="utf-8")
    done = subprocess.run([str(BEAN_CHECK), str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
