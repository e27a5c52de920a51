"""The pool's books as reports: pool, scheme and quarterly statements, a partner's statement, the
trial balance and the Beancount export, for the CLI and the web alike."""

from __future__ import annotations

from pathlib import Path

from carepool.errors import NotFound
from carepool.ledger import beancount, statements
from carepool.programme import load_programme
from carepool.services.ledger import area_transactions, plan_in_force, trial_balance
from carepool.store.db import Store


def area_statements(store: Store, area: str, year: str = "bcf-2015-16") -> list[statements.Report]:
    """Pool statement, scheme statement and the quarterly income-and-expenditure section."""
    txns = area_transactions(store, area)
    if not txns:
        raise NotFound(f"no ledger entries for area {area}")
    quarters = load_programme(year).quarters
    plan = plan_in_force(store, year, area)
    names = {s.ref: s.name for s in plan.schemes} if plan is not None else None
    return [statements.pool_statement(txns, area), statements.scheme_statement(txns, area, names),
            statements.income_expenditure(txns, area, quarters)]


def partner_statement(store: Store, partner: str, area: str | None = None) -> statements.Report:
    """What ``partner`` put into each pool (of every area, or of ``area``) and its settlement shares."""
    return statements.partner_statement(area_transactions(store, area), partner)


def trial_balance_report(store: Store, area: str | None = None) -> statements.Report:
    return statements.trial_balance_report(trial_balance(store, area))


def export_beancount(store: Store, out: Path, area: str | None = None) -> int:
    """Write the books (all pools, or one area's) as a Beancount file; returns the transaction count."""
    txns = area_transactions(store, area)
    title = f"carepool pooled funds{' ' + area if area else ''}"
    out.write_text(beancount.render(txns, title), encoding="utf-8")
    return len(txns)
