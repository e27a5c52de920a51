"""The analyst's page: any area and any metric of the year, as a Making Data Count chart with the
same figures as a table, and the points as a CSV download (``services.analysis``).

Open to every role, for the areas each may see (local users their own; national users all): the
series are published data, the same the area pages draw. The choice is a plain GET form, so the
page works without JavaScript and a chart has an address that can be shared.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.errors import NotFound
from carepool.services import analysis, dashboard
from carepool.services.users import User
from carepool.web.area_data import series_chart, visible_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
Choice = Annotated[str | None, Query(max_length=64)]


@router.get("/analysis", response_class=HTMLResponse)
def analysis_page(request: Request, user: CurrentUser, area: Choice = None, metric: Choice = None) -> Response:
    year = year_of(request)
    areas = [(r.code, r.name) for r in dashboard.area_rows(store_of(request), user, year)]
    choices = analysis.choices(year)
    chosen_area = area or (areas[0][0] if len(areas) == 1 else None)
    chosen = metric or next((c.id for c in choices if c.held), None)
    context = {"areas": areas, "choices": choices, "year": year, "area": chosen_area, "metric": chosen,
               "chart": None, "place": None, "missing": None}
    if chosen_area and chosen:
        place = visible_area(user, chosen_area)
        series = analysis.choice(year, chosen)
        context.update(place=place, series=series)
        try:
            found = analysis.area_chart(year, series.id, place.code)
        except NotFound as missing:
            context["missing"] = str(missing)
        else:
            digits = 1 if series.id.startswith(analysis.SITREP_PREFIX) else 0
            context["chart"] = series_chart("analysis", series.name, place.name, found.result, better=series.better,
                                            digits=digits)
    return render(request, "analysis.html", context)


@router.get("/analysis.csv")
def analysis_csv(request: Request, user: CurrentUser, area: Annotated[str, Query(max_length=64)],
                 metric: Annotated[str, Query(max_length=64)]) -> Response:
    year = year_of(request)
    place = visible_area(user, area)
    chart = analysis.area_chart(year, metric, place.code)
    name = f"spc-{place.code}-{chart.choice.id.replace('.', '-')}.csv"
    return Response(analysis.chart_csv(chart, year), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
