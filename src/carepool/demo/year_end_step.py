"""Demo: the pool manager's year end beyond the settlement: carry-forward agreements, and each
chosen area's pool reconciled with an illustrative extract of its host's general ledger.

Three areas agree to keep part of a revenue underspend in the pool (25%, 50%, 100%, as a
setting of their risk-share agreements), so their books open 2016-17 with a brought-forward
balance. A few areas' host extracts are made from their own books and reconciled; in the last
of them the host has an invoice the pool's books do not (planted, illustrative), and the
reconciliation must find exactly that difference and say which row it is.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from carepool.demo.host_ledger import (
    cost_centre,
    extract_rows,
    host_codes,
    scheme_account,
    write_extract,
    write_mapping,
)
from carepool.ledger.periods import financial_year
from carepool.ledger.reconcile import HostRow
from carepool.ledger.settlement import RiskShare
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import ledger as svc
from carepool.services import ledger_reconcile
from carepool.store.db import Store

Progress = Callable[[str], None]
CARRY_FORWARD = (25, 50, 100)     # percent of a revenue underspend kept in the pool (illustrative agreements)
RECONCILED = 4                    # areas whose host extract the demo reconciles
PLANTED_PENCE = 12_480_00         # the host's invoice the pool's books do not have


def agree_carry_forward(store: Store, plans: Mapping[str, Plan], year: str) -> dict[str, int]:
    """The first areas' agreements keep part of an underspend in the pool (before the settlement)."""
    chosen = dict(zip(sorted(plans), CARRY_FORWARD, strict=False))
    for code, pct in chosen.items():
        for pool in plans[code].pools:
            for label in svc.agreement_plan_years(year) or (None,):   # a two-year programme agrees each year
                svc.set_risk_share(store, code, year, pool.id, RiskShare("proportional", (), pct), plan_year=label)
    return chosen


def reconciled_areas(plans: Mapping[str, Plan]) -> list[str]:
    """A few areas, a two-tier county among them when there is one (its DFG went to the districts)."""
    ref = load_reference()
    counties = [c for c in sorted(plans) if ref.area(c).two_tier]
    rest = [c for c in sorted(plans) if c not in counties[:1]]
    return (counties[:1] + rest)[:RECONCILED]


def planted_row(plan: Plan, rows: list[HostRow], month: str) -> HostRow:
    scheme = plan.schemes[0]
    return HostRow(len(rows) + 2, cost_centre(scheme.pool), scheme_account(scheme.ref), month, PLANTED_PENCE)


def reconcile_hosts(store: Store, plans: Mapping[str, Plan], year: str, out_dir: Path | None,
                    progress: Progress) -> dict[str, Any]:
    """Each chosen area's host extract reconciled with its books; the planted difference found and explained."""
    period = financial_year(load_programme(year).start.year)
    areas = reconciled_areas(plans)
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="carepool-host-") as tmp:
        folder = out_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for i, code in enumerate(areas):
            plan = plans[code]
            rows = extract_rows(plan, svc.area_transactions(store, code), period)
            planted = planted_row(plan, rows, period.end.strftime("%Y-%m")) if i == len(areas) - 1 else None
            extract = write_extract(rows + ([planted] if planted else []), folder / f"{code}-host-extract.csv")
            mapping = write_mapping(host_codes(plan), folder / f"{code}-host-mapping.csv")
            found = ledger_reconcile.reconcile_host_extract(store, extract, mapping, code, year)
            results[code] = [d.explain() for d in found.differences]
            if planted is None:
                assert found.agrees, f"{code}: the host extract made from the books does not agree"
                progress(f"ledger: {code} host ledger reconciled: {found.agreed} month/scheme totals agree "
                         f"(income less spend {Money(-found.books_total)}), no differences")
                continue
            (only,) = found.differences
            assert only.difference == PLANTED_PENCE and planted.row in only.rows, "the planted difference was missed"
            progress(f"ledger: {code} host ledger reconciled: 1 difference found: {only.explain()}; host row "
                     f"{planted.row} is an invoice of {Money(PLANTED_PENCE)} the host posted in {only.month} that "
                     "the pool's books do not have (planted by the demo: the pool manager would post it or ask the "
                     "host to reverse it)")
    return {"host_reconciled_areas": areas, "host_differences": results,
            "host_extract_folder": str(out_dir) if out_dir else None}
