"""Where the money goes: ``/money`` (England, or the user's own areas) and ``/areas/{code}/money``.

Bar charts by funding stream, partner and scheme (inline SVG, web/charts.py) with each chart's
figures as a table to the penny; the data are the plans' own (services/money_views.py). A
two-year programme's pages show one plan year (``?plan_year=2024-25``, the first by default) or
the whole plan (``?plan_year=whole``), list every plan year's pool and say which is charted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.programme import load_programme
from carepool.services import money_views
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.charts import bar_chart
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


def _charts(view: money_views.MoneyView, partner_title: str, scheme_title: str) -> list[object]:
    return [bar_chart("by-stream", "By funding stream", view.by_stream),
            bar_chart("by-partner", partner_title, view.by_partner),
            bar_chart("by-scheme", scheme_title, view.by_scheme)]


def _whole_plan(year: str) -> str:
    programme = load_programme(year)
    return f"{programme.plan_years[0][:4]}-{programme.plan_years[-1][-2:]}" if len(programme.plan_years) > 1 else ""


@router.get("/money", response_class=HTMLResponse)
def england_money(request: Request, user: CurrentUser,
                  plan_year: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    year = year_of(request)
    shown = money_views.plan_year_shown(year, plan_year)
    view = money_views.england_money(store_of(request), user, year, shown)
    return render(request, "money.html", {
        "view": view, "area": None, "year": year, "whole_plan": _whole_plan(year), "here": "/money",
        "charts": _charts(view, "By kind of partner", "By scheme type")})


@router.get("/areas/{code}/money", response_class=HTMLResponse)
def area_money(request: Request, code: str, user: CurrentUser,
               plan_year: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    year = year_of(request)
    area = visible_area(user, code, year)
    shown = money_views.plan_year_shown(year, plan_year)
    plan = money_views.shown_plan(store_of(request), year, area.code)
    view = money_views.area_money(plan, year, shown) if plan is not None else None
    return render(request, "money.html", {
        "view": view, "area": area, "year": year, "whole_plan": _whole_plan(year),
        "here": f"/areas/{area.code}/money",
        "charts": _charts(view, "By partner", "By scheme") if view is not None else []})
