"""The national dashboard of the 151 areas (HTML and CSV); sort and filter by query parameters."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.money import Money
from carepool.plans.lifecycle import Status
from carepool.services.users import User
from carepool.web import dashboard_data as data
from carepool.web.render import render
from carepool.web.session import current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]


def _rows(request: Request, user: User, status: str | None, q: str | None, sort: str,
          order: str) -> list[data.AreaRow]:
    rows = data.area_rows(store_of(request), user, request.app.state.settings.year)
    return data.select_rows(rows, status=status or None, q=q or None, sort=sort, order=order)


@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, user: CurrentUser, status: str | None = None,
                    q: Annotated[str | None, Query(max_length=100)] = None, sort: str = "code",
                    order: str = "asc") -> Response:
    rows = _rows(request, user, status, q, sort, order)
    totals = {k: Money(sum(getattr(r, k) for r in rows)) for k in ("pooled", "spend", "earned", "paid_to_acute")}
    statuses = [data.NO_PLAN, *(s.value for s in Status)]
    return render(request, "dashboard.html", {
        "rows": rows, "totals": totals, "status": status or "", "q": q or "", "sort": sort, "order": order,
        "statuses": statuses, "sorts": data.SORTS, "money": lambda p: Money(p)})


@router.get("/dashboard.csv")
async def dashboard_csv(request: Request, user: CurrentUser, status: str | None = None,
                        q: Annotated[str | None, Query(max_length=100)] = None,
                        sort: str = "code", order: str = "asc") -> Response:
    rows = _rows(request, user, status, q, sort, order)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*data.COLUMNS[:5], "pooled_gbp", "spend_gbp", "earned_gbp", "paid_to_acute_gbp"])
    for r in rows:
        writer.writerow([r.code, r.name, r.region, r.status, r.version or "",
                         *(_pounds(p) for p in (r.pooled, r.spend, r.earned, r.paid_to_acute))])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="carepool-dashboard.csv"'})


def _pounds(pence: int) -> str:
    """Exact pounds with two places, no float."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"
