"""Use case: the pool's year-end statement (Section 75 annual report shape) for the pool
manager and national roles: as data for the web page, or written to CSV or Excel."""

from __future__ import annotations

from pathlib import Path

from carepool.errors import InputError, NotFound
from carepool.exchange.ledger_reports import write_csv, write_excel
from carepool.ledger.periods import financial_year
from carepool.ledger.year_end_statement import YearEndStatement, year_end_statement
from carepool.programme import load_programme
from carepool.services import pool_access
from carepool.services.ledger import area_transactions, assured_plans
from carepool.services.users import User
from carepool.store.db import Store

FORMATS = ("csv", "excel")


def may_see(user: User, area: str) -> bool:
    """The area's pool manager, and national roles (assurer, analyst, auditor, administrator)."""
    return pool_access.may_read(user, area)


def require_may_see(user: User, area: str) -> None:
    pool_access.require_read(user, area, "the pool's year-end statement")


def statement(store: Store, area: str, year: str) -> YearEndStatement:
    """The statement from the books (partner and scheme names from the assured plan, if any)."""
    programme = load_programme(year)
    period = financial_year(programme.start.year)
    names: dict[str, str] = {}
    schemes: dict[str, tuple[str, str]] = {}
    illustrative = False
    with store.transaction() as session:
        try:
            plan = assured_plans(session, programme.id, area)[area]
        except NotFound:
            plan = None
    if plan is not None:
        names = {p.code: p.name for p in plan.partners}
        schemes = {s.ref: (s.name, s.source) for s in plan.schemes}
        illustrative = plan.illustrative
    return year_end_statement(area_transactions(store, area), area, programme.id, period.start, period.end,
                              names, schemes, illustrative)


def write(store: Store, area: str, year: str, fmt: str, out: Path) -> Path:
    """CSV: every section in one table; Excel: a sheet per section (text cells stay text)."""
    if fmt not in FORMATS:
        raise InputError(f"'{fmt}' is not a format ({', '.join(FORMATS)})", where="--format")
    found = statement(store, area, year)
    if fmt == "csv":
        return write_csv(found.as_report(), out)
    return write_excel(list(found.sections), out)
