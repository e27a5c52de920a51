"""Joined-up personal budgets of an area: who has one, and one person's budget.

- ``/areas/{code}/budgets``: the people with budgets (cohort, NHS element, social care
  element, assessed contribution, paid, spend to date, over/underspend alerts), 50 a page
  (``page``, with previous and next links that keep the alert filter and date).
- ``/areas/{code}/budgets/{person_id}``: the care and support plan lines with cost and funder,
  payments by route with their ledger transactions, and every version (who, when, why).

Anyone who may see the area sees its totals (local users their own areas, national roles all);
people, and a person's page, only the area's pool manager and care coordinators, and each such
read goes to the audit trail (``services.budget_access``). A person is found only in their own
area. Every figure of the generated cohort is illustrative.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carepool.budgets.model import Funder
from carepool.errors import InputError, NotFound
from carepool.money import Money
from carepool.services import budget_access
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.render import render
from carepool.web.session import current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
ALERT_FILTERS = ("", "any", "overspend", "underspend", "none")
PAGE_SIZE = 50          # people per page of an area's list (Leeds has 1,240)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not a date (YYYY-MM-DD)", where="as_of") from None


@router.get("/areas/{code}/budgets", response_class=HTMLResponse)
def area_budgets_page(request: Request, code: str, user: CurrentUser,
                            as_of: Annotated[str | None, Query(max_length=10)] = None,
                            alert: Annotated[str | None, Query(max_length=10)] = None,
                            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    area = visible_area(user, code)
    if (alert or "") not in ALERT_FILTERS:
        raise InputError(f"alert is one of {', '.join(a for a in ALERT_FILTERS if a)}", where="alert")
    view, people = budget_access.area_view(store_of(request), user, area.code, as_of=_day(as_of))
    rows = view.rows if people else []
    if alert == "any":
        rows = [r for r in rows if r.alert is not None]
    elif alert == "none":
        rows = [r for r in rows if r.alert is None]
    elif alert:
        rows = [r for r in rows if r.alert is not None and r.alert.kind.value == alert]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)                 # past the end: the last page
    first = (page - 1) * PAGE_SIZE
    shown = rows[first:first + PAGE_SIZE]

    def link(to: int) -> str:
        query = {k: v for k, v in (("alert", alert or ""), ("as_of", as_of or ""), ("page", str(to))) if v}
        return f"/areas/{area.code}/budgets?{urlencode(query)}"

    return render(request, "budgets_area.html", {
        "area": area, "view": view, "rows": shown, "matching": len(rows), "first": first + 1 if shown else 0,
        "last": first + len(shown), "page": page, "pages": pages,
        "previous": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None,
        "totals": view.totals(), "alert": alert or "", "as_of": as_of or "", "money": Money,
        "people": people})


@router.get("/areas/{code}/budgets/{person_id}", response_class=HTMLResponse)
def person_budget_page(request: Request, code: str, person_id: str, user: CurrentUser,
                             as_of: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    area = visible_area(user, code)
    if len(person_id) > 32:
        raise NotFound(f"no person '{person_id[:32]}...' with a budget in area {area.code}")
    view = budget_access.person_view(store_of(request), user, area.code, person_id, as_of=_day(as_of))
    return render(request, "budgets_person.html", {"area": area, "view": view, "budget": view.account.budget,
                                                   "funders": list(Funder), "money": Money})
