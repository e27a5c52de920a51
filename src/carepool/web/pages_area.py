"""An area's pages: plan summary, schemes, metric charts and evaluation, pool statements, history, downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from carepool.money import Money
from carepool.services import ledger, plans, returns
from carepool.services.users import User
from carepool.web.area_data import area_view, metrics_section, visible_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/areas/{code}", response_class=HTMLResponse)
def area_page(request: Request, code: str, user: CurrentUser) -> Response:
    view = area_view(store_of(request), user, code, request.app.state.settings.year)
    # an area's charts and evaluation come from the per-process cache (they depend only on the
    # area and the shipped published series), filled at start-up by web/warmup.py or, for an
    # area the warm-up has not reached yet, by its first request
    year = request.app.state.settings.year
    latest = [s.latest for s in returns.statuses(store_of(request), view.area.code, year) if s.latest]
    return render(request, "area.html", {"view": view, "money": Money, "outcomes": _outcomes(request),
                                         "metrics": metrics_section(view.area), "returns": latest})


@router.get("/areas/{code}/history", response_class=HTMLResponse)
def history_page(request: Request, code: str, user: CurrentUser) -> Response:
    view = area_view(store_of(request), user, code, request.app.state.settings.year)
    return render(request, "history.html", {"view": view})


@router.get("/areas/{code}/plan.xlsx")
def plan_workbook(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        out = plans.export_workbook(store_of(request), area.code, request.app.state.settings.year,
                                    Path(tmp) / "plan.xlsx")
        body = out.read_bytes()
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="plan-{area.code}.xlsx"'})


@router.get("/areas/{code}/books.beancount")
def books(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    with tempfile.TemporaryDirectory(prefix="carepool-web-") as tmp:
        out = Path(tmp) / "books.beancount"
        ledger.export_beancount(store_of(request), out, area.code)
        body = out.read_bytes()
    return Response(body, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="books-{area.code}.beancount"'})


def _outcomes(request: Request) -> tuple[str, ...]:
    from carepool.programme import load_programme
    return load_programme(request.app.state.settings.year).assurance_outcomes
