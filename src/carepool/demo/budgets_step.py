"""Demo step: a year of joined-up personal budgets for a few thousand illustrative people.

People, plans, budgets and payments are generated from the seed in a few areas (the IPC
cohorts as data, the illustrative who-pays agreement); the files and the summary are labelled
illustrative throughout. Payments are also posted to in-memory pooled-fund books to show
they go through the ledger and balance.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from carepool.budgets.generate import generate
from carepool.budgets.ledger_adapter import ledger_transactions
from carepool.budgets.records import write_dataset
from carepool.budgets.rules_file import DEFAULT_RULES, read_rules
from carepool.budgets.statement import summary
from carepool.budgets.whopays import require_sound
from carepool.errors import ValidationFailed
from carepool.findings import has_errors
from carepool.ledger import Books, balances, post, trial_balance
from carepool.reference import load_reference

# Three areas of different kinds (metropolitan, unitary, county), by their ONS codes.
DEFAULT_AREAS = ("E08000035", "E06000023", "E10000003")   # Leeds, Bristol, Cambridgeshire
DEFAULT_PEOPLE = 3000


def run_demo_step(out_dir: Path, seed: int, progress: Callable[[str], None],
                  *, areas: Sequence[str] = DEFAULT_AREAS, people: int = DEFAULT_PEOPLE) -> dict[str, Any]:
    """Generate, pay and summarise; write CSVs and summary.json under ``out_dir/budgets``."""
    ref = load_reference()
    rules, findings = read_rules(DEFAULT_RULES)
    if has_errors(findings):
        raise ValidationFailed("the illustrative who-pays rules are not sound", findings)
    require_sound(rules)
    progress(f"budgets: generating {people:,} illustrative people in {len(areas)} areas")
    data = generate(ref, areas, people, rules, seed=seed, progress=progress)
    folder = out_dir / "budgets"
    write_dataset(data, folder)
    transactions, outside = ledger_transactions(data.payments)
    books = post(Books(), transactions, "personal budget payments").books
    balance = trial_balance(balances(books.transactions))
    result = summary(data)
    result.update({
        "areas": {code: ref.area(code).name for code in data.areas},
        "ledger_transactions": len(transactions),
        "ledger_balanced": not balance.unbalanced_pools(),
        "ledger_pools": len(balance.pools()),
        "person_contributions_outside_pool": len(outside),
        "folder": str(folder),
        "seed": seed,
    })
    (folder / "summary.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    progress(f"budgets: {result['payments']:,} payments, {sum(result['alerts'].values())} spend alerts "
             "(illustrative)")
    return result
