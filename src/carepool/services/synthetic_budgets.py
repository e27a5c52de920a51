"""Use case: a synthetic year of joined-up personal budgets for illustrative people, and reading one back.

``synthetic_budget_year`` is what `carepool budgets demo` and the demo's budgets step both run;
``person_statement`` and ``alerts`` read such a folder for `carepool budgets statement|alerts`.

People, plans, budgets and payments are generated from the seed in a few areas (the IPC
cohorts as data, the illustrative who-pays agreement); the files and the summary are labelled
illustrative throughout.

With a ``store`` the dataset is loaded into it through ``services.budgets.load_dataset`` (one
transaction: people, versions, lines, payments, and every pool-funded payment posted to the
stored pooled-fund ledger), so the web pages show it. The demo's ledger step settles and closes
2015-16 before this step runs, so a stored dataset's year defaults to 2016-17 (open books);
without a store it is 2015-16 and the payments are posted to in-memory books to show they balance.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from carepool.budgets.ledger_adapter import ledger_transactions
from carepool.budgets.records import read_dataset, write_dataset
from carepool.budgets.spend import Alert, Thresholds, spend_alerts
from carepool.budgets.statement import statement, summary
from carepool.ledger import Books, balances, post, trial_balance
from carepool.money import Money
from carepool.reference import load_reference
from carepool.services import budgets as svc
from carepool.services import ledger
from carepool.store.db import Store

# Three areas of different kinds (metropolitan, unitary, county), by their ONS codes.
DEFAULT_AREAS = ("E08000035", "E06000023", "E10000003")   # Leeds, Bristol, Cambridgeshire
DEFAULT_PEOPLE = 3000
YEAR, STORED_YEAR = "bcf-2015-16", "bcf-2016-17"


def synthetic_budget_year(out_dir: Path, seed: int, progress: Callable[[str], None],
                          *, areas: Sequence[str] = DEFAULT_AREAS, people: int = DEFAULT_PEOPLE,
                          store: Store | None = None, year: str | None = None) -> dict[str, Any]:
    """Generate, pay and summarise; write CSVs and summary.json under ``out_dir/budgets``; load into ``store``."""
    ref = load_reference()
    year = year or (STORED_YEAR if store is not None else YEAR)
    progress(f"budgets: generating {people:,} illustrative people in {len(areas)} areas ({year})")
    data = svc.synthetic_dataset(areas, people, seed=seed, year=year, progress=progress)
    folder = out_dir / "budgets"
    write_dataset(data, folder)
    if store is None:
        transactions, outside = ledger_transactions(data.payments)
        books = post(Books(), transactions, "personal budget payments").books
        balance = trial_balance(balances(books.transactions))
        posted, balanced, pools, stored = len(transactions), not balance.unbalanced_pools(), len(balance.pools()), False
        outside_count = len(outside)
    else:
        loaded = svc.load_dataset(store, data, actor="carepool demo", source=f"synthetic budgets (seed {seed})")
        stored_balance = ledger.trial_balance(store)
        posted, balanced, stored = loaded.transactions, not stored_balance.unbalanced_pools(), True
        pools = len(set(loaded.pools.items()))
        outside_count = sum(1 for p in data.payments if p.funder.value == "person")
        progress(f"budgets: {loaded.people:,} people stored; {loaded.transactions:,} payments posted to the "
                 f"stored pooled-fund ledger ({Money(loaded.pool_pence)} from the pools)")
    result = summary(data)
    result.update({
        "areas": {code: ref.area(code).name for code in data.areas},
        "year": year,
        "ledger_transactions": posted,
        "ledger_balanced": balanced,
        "ledger_pools": pools,
        "stored": stored,
        "person_contributions_outside_pool": outside_count,
        "folder": str(folder),
        "seed": seed,
    })
    (folder / "summary.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    progress(f"budgets: {result['payments']:,} payments, {sum(result['alerts'].values())} spend alerts "
             "(illustrative)")
    return result


def _folder(data: Path) -> Path:
    """A generated folder, or the folder that holds one as ``budgets/``."""
    return data / "budgets" if (data / "budgets" / "people.csv").exists() else data


def person_statement(data: Path, person: str, as_of: date | None = None) -> dict[str, Any]:
    """A person's budget statement (elements by funder, paid, spent, lines, versions) from a generated folder."""
    return statement(read_dataset(_folder(data)), person, as_of)


def alerts(data: Path, as_of: date | None, thresholds: Thresholds) -> tuple[date, list[Alert]]:
    """People whose spend is outside the thresholds at ``as_of`` (default: the year end)."""
    dataset = read_dataset(_folder(data))
    when = as_of or dataset.year_end
    return when, spend_alerts(dataset.budgets, dataset.spend, when, thresholds)
