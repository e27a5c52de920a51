"""``/goals``: each area's goal against its actual, per metric, with the Making Data Count icons.

Goals come from each area's plan (in force, else latest); actuals and the monthly series from the
metrics file the engine wrote (``CAREPOOL_METRICS_FILE``, as the returns use), through
services/goals.py (the SPC is metrics/spc's, never re-done here). Paged by area, 25 a page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.programme import load_programme
from carepool.services import areas as area_service
from carepool.services import goals, money_views, return_metrics
from carepool.services.users import User
from carepool.web import paging
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


@router.get("/goals", response_class=HTMLResponse)
def goals_page(request: Request, user: CurrentUser, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
               per_page: Annotated[str, Query(max_length=5)] = paging.DEFAULT_PAGE_SIZE,
               plan_year: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    """A two-year programme's page shows one plan year's goals and actuals (``?plan_year=2024-25``;
    the first by default) and links to the other."""
    year = year_of(request)
    label = goals.plan_year_asked(year, plan_year)
    labels = load_programme(year).plan_years
    shown = money_views.shown_plans(store_of(request), year)
    chosen = [plan for code, plan in sorted(shown.items()) if user.can_see(code)]
    paged = paging.paginate(chosen, page, paging.page_size(per_page))
    path = return_metrics.metrics_file()
    rows = goals.goals_by_area(paged.items, year, path, period=label)
    params = {"per_page": per_page if per_page != paging.DEFAULT_PAGE_SIZE else "",
              "plan_year": label if len(labels) > 1 and label != labels[0] else ""}
    return render(request, "goals.html", {
        "areas": [(area_service.year_area(p.area_code, year), rows[p.area_code]) for p in paged.items],
        "paged": paged,
        "numbers": paging.page_numbers(paged.page, paged.pages), "link": lambda n: "/goals" + paging.query(
            params, page=n), "has_file": path is not None, "year": year,
        "plan_year": label if len(labels) > 1 else "", "plan_years": labels if len(labels) > 1 else ()})
