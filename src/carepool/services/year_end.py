"""Use case: the pool's year-end statement (Section 75 annual report shape) for the pool
manager and national roles: as data for the web page, or written to CSV or Excel."""

from __future__ import annotations

from pathlib import Path

from carepool.errors import InputError, NotFound
from carepool.exchange.ledger_reports import write_csv, write_excel
from carepool.ledger.contributions import plan_year_to_post, plan_years
from carepool.ledger.periods import parse_period
from carepool.ledger.year_end_statement import YearEndStatement, year_end_statement
from carepool.programme import load_programme
from carepool.services import pool_access
from carepool.services.ledger import area_transactions, assured_plans, closed_periods, settlement_name
from carepool.services.users import User
from carepool.store.db import Store

FORMATS = ("csv", "excel")


def may_see(user: User, area: str) -> bool:
    """The area's pool manager, and national roles (assurer, analyst, auditor, administrator)."""
    return pool_access.may_read(user, area)


def require_may_see(user: User, area: str) -> None:
    pool_access.require_read(user, area, "the pool's year-end statement")


def statement(store: Store, area: str, year: str, plan_year: str | None = None) -> YearEndStatement:
    """The statement of one plan year from the books (partner and scheme names from the assured plan,
    if any); a two-year programme's plan year is named (``plan_year_shown`` picks one for a page)."""
    programme = load_programme(year)
    label = plan_year_to_post(programme, plan_year, "report")
    period = parse_period(label)
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
    return year_end_statement(area_transactions(store, area), area, settlement_name(programme.id, label),
                              period.start, period.end,
                              names, schemes, illustrative)


def plan_year_shown(store: Store, area: str, year: str) -> str:
    """The plan year a page shows by default: the latest the area has settled, else the first."""
    years = plan_years(load_programme(year))
    closed = {c.period.label for c in closed_periods(store, area)}
    return next((y for y in reversed(years) if y in closed), years[0])


def write(store: Store, area: str, year: str, fmt: str, out: Path, plan_year: str | None = None) -> Path:
    """CSV: every section in one table; Excel: a sheet per section (text cells stay text)."""
    if fmt not in FORMATS:
        raise InputError(f"'{fmt}' is not a format ({', '.join(FORMATS)})", where="--format")
    found = statement(store, area, year, plan_year)
    if fmt == "csv":
        return write_csv(found.as_report(), out)
    return write_excel(list(found.sections), out)
