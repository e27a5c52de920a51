"""The national dashboard of the 151 areas (HTML and CSV): filter, sort and page by query parameters.

The page shows one page of areas (25 by default) with rounded amounts (web/amounts.py); its
column headers are sort links (web/paging.py). The CSV download has every row, to the penny.
"""

from __future__ import annotations

import io
import threading
import weakref
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.engine import Engine

from carepool.cell_text import SafeWriter
from carepool.plans.lifecycle import Status
from carepool.services import budgets, commissioning
from carepool.services import dashboard as data
from carepool.services.users import User
from carepool.web import paging
from carepool.web.render import TEMPLATES, render
from carepool.web.session import current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
MONEY_COLUMNS = (("pooled", "Pool"), ("spend", "Spend"), ("earned", "Performance sum earned"),
                 ("paid_to_acute", "Paid to hospitals"))


SORT_WORDS = {"pooled": "pooled", "spend": "spent", "earned": "performance sum earned",
              "paid_to_acute": "paid to hospitals"}


def money_columns(year: str) -> tuple[tuple[str, str], ...]:
    """The money columns of ``year``'s dashboard: a two-year programme shows each measure (pool,
    spend, performance sum earned, paid to hospitals) per plan year first and names its
    whole-period column as the whole plan's, so no two-year total sits where a one-year
    programme's annual figure would."""
    whole = data.whole_plan_label(year)
    if not whole:
        return MONEY_COLUMNS
    return tuple(column for measure, text in MONEY_COLUMNS
                 for column in (*((key, f"{text} {label}") for key, label in data.plan_year_columns(year, measure)),
                                (measure, f"{text}, {whole}")))


def sort_words(year: str) -> dict[str, str]:
    """The sort menu's words for a two-year programme's per-year and whole-plan keys."""
    whole = data.whole_plan_label(year)
    if not whole:
        return {}
    return {key: f"{SORT_WORDS[measure]} {'in ' + label if label else 'over the ' + whole}"
            for measure in data.MEASURES
            for key, label in (*data.plan_year_columns(year, measure), (measure, ""))}


def sort_columns(money: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, bool], ...]:
    return (("name", "Area", False), ("status", "Plan status", False), *((key, label, True) for key, label in money),
            ("admissions_variation", "BCF1 variation", False), ("delayed_variation", "BCF4 variation", False))


def sort_labels(money: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {"code": "area code", "region": "region", "name": "area name",
            **{k: v for k, v, _ in sort_columns(money)[1:]}}


def _rows(request: Request, user: User, status: str | None, q: str | None, sort: str,
          order: str) -> list[data.AreaRow]:
    year = year_of(request)
    rows = data.area_rows(store_of(request), user, year)
    return data.select_rows(rows, status=status or None, q=q or None, sort=sort, order=order, year=year)


def _by_model(rows: list[data.AreaRow], models: dict[str, commissioning.AreaModels], model: str | None,
              governance: str | None) -> list[data.AreaRow]:
    """Keep the areas whose pools use ``model`` and ``governance`` (either may be empty: any)."""
    if not model and not governance:
        return rows
    return [r for r in rows if r.code in models and models[r.code].uses(model, governance)]


_fragments: dict[tuple[int, int, int, tuple[str, ...]], tuple[tuple[object, ...], Markup]] = {}
_fragments_lock = threading.Lock()
MAX_FRAGMENTS = 256


def _table_body(request: Request, rows: list[data.AreaRow], models: dict[str, commissioning.AreaModels],
                people: dict[str, int], money: tuple[tuple[str, str], ...]) -> Markup:
    """The table's rows as HTML, rendered once per set of figures and selection (the bulk of the page).

    Only the rows are shared between people: they hold nothing but the figures (no user, no token).
    """
    source = data.all_rows(store_of(request), year_of(request))
    key = (id(source), id(models), id(people), tuple(r.code for r in rows))
    with _fragments_lock:
        hit = _fragments.get(key)
    if hit is not None and hit[0][0] is source and hit[0][1] is models and hit[0][2] is people:
        return hit[1]
    html = Markup(TEMPLATES.get_template("_dashboard_rows.html").render(
        rows=rows, variation_label=data.variation_label, metrics=data.METRICS, models=models,
        people=people, money_columns=money, columns=sort_columns(money)))
    with _fragments_lock:
        if len(_fragments) >= MAX_FRAGMENTS:
            _fragments.clear()
        _fragments[key] = ((source, models, people), html)
    return html


_people: weakref.WeakKeyDictionary[Engine, tuple[int, dict[str, int]]] = weakref.WeakKeyDictionary()


def _budget_people(request: Request) -> dict[str, int]:
    """People with a stored personal budget per area (the same object until a cohort is loaded)."""
    store = store_of(request)
    version = budgets.budgets_version(store)
    hit = _people.get(store.engine)
    if hit is None or hit[0] != version:
        hit = (version, budgets.areas_with_budgets(store))
        _people[store.engine] = hit
    return hit[1]


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, user: CurrentUser, status: str | None = None,
              q: Annotated[str | None, Query(max_length=100)] = None, sort: str = "code",
              order: str = "asc", model: Annotated[str | None, Query(max_length=100)] = None,
              governance: Annotated[str | None, Query(max_length=100)] = None,
              page: Annotated[int, Query(ge=1, le=10_000)] = 1,
              per_page: Annotated[str, Query(max_length=5)] = paging.DEFAULT_PAGE_SIZE) -> Response:
    year = year_of(request)
    size = paging.page_size(per_page)
    rows = _rows(request, user, status, q, sort, order)
    models = commissioning.area_models(store_of(request), year)
    who_uses = commissioning.usage([r.code for r in rows], models, year)
    rows = _by_model(rows, models, model, governance)
    money = money_columns(year)
    totals = {k: sum(r.value(k) for r in rows) for k, _ in money}
    paged = paging.paginate(rows, page, size)
    params = {"q": q or "", "status": status or "", "model": model or "", "governance": governance or "",
              "sort": sort, "order": order,
              "per_page": per_page if per_page != paging.DEFAULT_PAGE_SIZE else ""}
    statuses = [data.NO_PLAN, *(s.value for s in Status)]
    model_choices, governance_choices = commissioning.choices(year)
    return render(request, "dashboard.html", {
        "rows": paged.items, "paged": paged, "numbers": paging.page_numbers(paged.page, paged.pages),
        "link": lambda n: "/" + paging.query(params, page=n),
        "headers": paging.sort_headers(sort_columns(money), sort, order, params, "/"),
        "sort_label": sort_labels(money)[sort],
        "plan_year_columns": {m: data.plan_year_columns(year, m) for m in data.MEASURES},
        "whole_plan": data.whole_plan_label(year),
        "page_sizes": paging.PAGE_SIZES, "per_page": per_page, "money_columns": money,
        "totals": totals, "status": status or "", "q": q or "", "sort": sort, "order": order,
        "statuses": statuses, "sorts": data.sorts_for(year),
        "sort_words": sort_words(year),
        "metrics": data.METRICS, "model": model or "", "governance": governance or "",
        "model_choices": [*model_choices, *(m for m in who_uses.models if m not in model_choices)],
        "governance_choices": [*governance_choices, *(g for g in who_uses.governance if g not in governance_choices)],
        "who_uses": who_uses,
        "table_body": _table_body(request, paged.items, models, _budget_people(request), money)})


@router.get("/dashboard.csv")
def dashboard_csv(request: Request, user: CurrentUser, status: str | None = None,
                        q: Annotated[str | None, Query(max_length=100)] = None,
                        sort: str = "code", order: str = "asc",
                        model: Annotated[str | None, Query(max_length=100)] = None,
                        governance: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """The dashboard's rows and columns, with the same filters (models and governance as on the page)."""
    year = year_of(request)
    rows = _rows(request, user, status, q, sort, order)
    models = commissioning.area_models(store_of(request), year)
    rows = _by_model(rows, models, model, governance)
    # a two-year programme: each measure per plan year, then the whole plan's, named as such
    whole = "_whole_plan" if data.whole_plan_label(year) else ""
    keys = [key for measure in data.MEASURES
            for key in (*(k for k, _ in data.plan_year_columns(year, measure)), measure)]
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow([*data.COLUMNS[:5], *(f"{key}{whole if key in data.MEASURES else ''}_gbp" for key in keys),
                     "admissions_variation", "delayed_variation", "commissioning_models", "governance"])
    for r in rows:
        used = models.get(r.code)       # an area without a plan has neither: empty cells
        writer.writerow([r.code, r.name, r.region, r.status, r.version or "",
                         *(_pounds(r.value(key)) for key in keys),
                         r.admissions_variation, r.delayed_variation,
                         "; ".join(used.models) if used else "", "; ".join(used.governance) if used else ""])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="carepool-dashboard.csv"'})


def _pounds(pence: int) -> str:
    """Exact pounds with two places, no float."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"
