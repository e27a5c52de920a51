"""Use case: reconcile a pool's books with the host's general-ledger extract (reads only).

The extract and the mapping are read and checked in full first (bounded, every finding with
file, row and field); a bad file refuses the run. Nothing is stored either way: the answer is
the list of differences, and the caller (CLI) exits non-zero unless there are none.
"""

from __future__ import annotations

from pathlib import Path

from carepool.errors import ValidationFailed
from carepool.exchange.host_extract import read_host_extract, read_mapping
from carepool.findings import has_errors
from carepool.ledger.periods import financial_year
from carepool.ledger.reconcile import Reconciliation, check_mapping, reconcile
from carepool.programme import load_programme
from carepool.services.ledger import area_transactions, assured_plans
from carepool.store.db import Store


def reconcile_host_extract(store: Store, extract: Path, mapping: Path, area: str, year: str) -> Reconciliation:
    """The differences between the host's extract and the pool's books of ``area`` in ``year``."""
    programme = load_programme(year)
    period = financial_year(programme.start.year)
    with store.transaction() as session:
        plan = assured_plans(session, programme.id, area)[area]
    rules, findings = read_mapping(mapping)
    if not has_errors(findings):
        findings += check_mapping(rules, plan, mapping.name)
    rows, extract_findings = read_host_extract(extract, period)
    findings += extract_findings
    if has_errors(findings):
        raise ValidationFailed(f"{len(findings)} problem(s) in the files; nothing was reconciled", findings)
    return reconcile(rows, rules, area_transactions(store, area), area, period.start, period.end)
