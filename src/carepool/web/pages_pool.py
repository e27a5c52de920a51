"""The pool manager's books: the overview of the pool's pages, and the statements with downloads.

- ``/areas/{code}/ledger``: what the books hold (closed periods, the plan in force's pools) and
  links to every pool page.
- ``/areas/{code}/ledger/statements``: pool, scheme, quarterly income and expenditure, and a
  statement for each partner of the plan in force, exact to the penny (``services.ledger``).
- ``/areas/{code}/ledger/statements/{kind}.csv`` and ``.xlsx``: one statement to download,
  written by ``services.report_files`` (formula-like text neutralised).
Readers: the overview, the area's pool manager and the national roles (``services.pool_access``);
the statements, everyone who may see the area (the area page shows them too).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carepool.errors import NotFound
from carepool.ledger.statements import Report
from carepool.services import ledger, ledger_statements
from carepool.services.report_files import write_reports
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.pool_forms import pool_context, readable_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
DOWNLOADS = {"csv": ("text/csv; charset=utf-8", "csv"),
             "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "excel")}
AREA_STATEMENTS = ("pool", "scheme", "income-expenditure")   # the order of ledger_statements.area_statements
PARTNER = "partner-"


def _partners(request: Request, area: str) -> list[tuple[str, str]]:
    plan = ledger.plan_in_force(store_of(request), year_of(request), area)
    if plan is None:
        return []
    return [(p.code, p.name) for p in plan.partners if p.kind in ("la", "ccg", "icb")]


def statements(request: Request, area: str) -> list[tuple[str, Report]]:
    """(kind, report) for every statement of the area; none while the books are empty."""
    try:
        found = ledger_statements.area_statements(store_of(request), area, year_of(request))
    except NotFound:
        return []
    out = list(zip(AREA_STATEMENTS, found, strict=True))
    for code, _name in _partners(request, area):
        out.append((f"{PARTNER}{code}", ledger_statements.partner_statement(store_of(request), code, area)))
    return out


@router.get("/areas/{code}/ledger", response_class=HTMLResponse)
def books_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = readable_area(user, code)
    store = store_of(request)
    plan = ledger.plan_in_force(store, year_of(request), area.code)
    return render(request, "pool_home.html", pool_context(
        request, user, area, plan=plan, closed=ledger.closed_periods(store, area.code),
        transactions=len(ledger.area_transactions(store, area.code))))


@router.get("/areas/{code}/ledger/statements", response_class=HTMLResponse)
def statements_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)   # as the area page, which shows these statements to all who see it
    return render(request, "pool_statements.html",
                  pool_context(request, user, area, statements=statements(request, area.code)))


@router.get("/areas/{code}/ledger/statements/{kind}.{suffix}")
def statement_download(request: Request, code: str, kind: str, suffix: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    if suffix not in DOWNLOADS:
        raise NotFound(f"no download as .{suffix} (csv or xlsx)")
    found = dict(statements(request, area.code)).get(kind)
    if found is None:
        raise NotFound(f"no statement '{kind}' for {area.code} (the books may be empty)")
    media, fmt = DOWNLOADS[suffix]
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        [out] = write_reports([found], fmt, Path(tmp) / f"statement.{suffix}")
        body = out.read_bytes()
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{kind}-{area.code}.{suffix}"'})
