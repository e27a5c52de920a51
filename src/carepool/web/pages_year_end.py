"""The pool's year-end statement for its pool manager and national roles, with CSV and Excel downloads.

- ``/areas/{code}/ledger/year-end``: the statement, section by section.
- ``/areas/{code}/ledger/year-end.csv`` and ``.xlsx``: the same, to download.
Handlers are plain functions (FastAPI runs them in its thread pool): they only read the store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carepool.money import Money
from carepool.services import year_end
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
TYPES = {"csv": ("text/csv; charset=utf-8", "csv"),
         "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "excel")}


@router.get("/areas/{code}/ledger/year-end", response_class=HTMLResponse)
def year_end_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    year_end.require_may_see(user, area.code)
    year = year_of(request)
    found = year_end.statement(store_of(request), area.code, year,
                               year_end.plan_year_shown(store_of(request), area.code, year))
    return render(request, "year_end.html", {"area": area, "statement": found, "year": year, "money": Money,
                                             "empty": not any(s.rows for s in found.sections)})


@router.get("/areas/{code}/ledger/year-end.{suffix}")
def year_end_download(request: Request, code: str, suffix: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    year_end.require_may_see(user, area.code)
    if suffix not in TYPES:
        return Response("not found", status_code=404)
    media, fmt = TYPES[suffix]
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        year = year_of(request)
        out = year_end.write(store_of(request), area.code, year, fmt, Path(tmp) / f"year-end.{suffix}",
                             year_end.plan_year_shown(store_of(request), area.code, year))
        body = out.read_bytes()
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="year-end-{area.code}.{suffix}"'})
