"""Quarterly returns in the browser and over the API.

- ``GET /areas/{code}/returns``: every quarter's return (latest version, who submitted when,
  on time?) and every version, for anyone who may see the area.
- ``GET|POST /areas/{code}/returns/new``: the return form (works without JavaScript; CSRF
  token; each finding is shown beside the field it concerns, with an error summary at the
  top). Partner finance/commissioning leads and the pool manager, in their own area. From 2021-22
  the form has a section per metric of the year (goal from the plan; the metrics engine's actual
  where person-level data are loaded, ``CAREPOOL_METRICS_FILE``, else a field for the area's
  figure; on track?; narrative) and the end-of-year return is one more period to choose.
- ``GET|POST /api/areas/{code}/returns``: the same as JSON (POST sends the session's CSRF
  token in ``X-CSRF-Token``; refusals come in the API's one error shape with every finding).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carepool.errors import ValidationFailed
from carepool.findings import Finding
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import ReturnRecord, quarter_label
from carepool.plans.quarterly_return_json import return_to_dict
from carepool.plans.return_metrics import ENGINE, MetricLine, is_current, year_end_periods
from carepool.programme import ProgrammeYear, load_programme
from carepool.services import return_metrics, returns
from carepool.services.users import User
from carepool.web.area_data import visible_area
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.render import render
from carepool.web.session import CSRF_HEADER, CheckedForm, check_csrf, current_user, store_of
from carepool.web.year_choice import year_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
CsrfHeader = Annotated[str | None, Header(alias=CSRF_HEADER, description="The session's CSRF token (GET /api/me).")]
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def field_id(name: str) -> str:
    """An HTML id for a form field name such as 'pools.P1.income_to_date'."""
    return "f-" + _UNSAFE.sub("-", name)


def _year(request: Request) -> str:
    year: str = year_of(request)
    return year


# pages ----------------------------------------------------------------------------------------
@pages.get("/areas/{code}/returns", response_class=HTMLResponse)
def returns_page(request: Request, code: str, user: CurrentUser) -> Response:
    area = visible_area(user, code)
    year = _year(request)
    store = store_of(request)
    statuses = returns.statuses(store, area.code, year)
    history = returns.list_returns(store, area.code, year)
    programme = load_programme(year)
    return render(request, "returns.html", {
        "area": area, "year": year, "statuses": statuses, "history": list(reversed(history)),
        "returns": [s.latest for s in statuses if s.latest is not None],
        "metric_names": {m.code: m.name for m in programme.metrics} if is_current(programme) else {},
        "may_submit": returns.may_submit(user, area.code), "money": Money})


def _periods(programme: ProgrammeYear) -> tuple[str, ...]:
    return programme.quarters + year_end_periods(programme)


def _metric_lines(request: Request, programme: ProgrammeYear, plan: Plan | None, area_code: str,
                  period: str) -> dict[str, MetricLine]:
    """Current years: each metric's goal and, where person-level data are loaded, the engine's figure."""
    if not is_current(programme) or period not in _periods(programme):
        return {}
    lines = return_metrics.prefill(programme, plan, period, return_metrics.metrics_file(), area_code)
    return {m.metric: m for m in lines}


def _form_context(request: Request, area_code: str, values: Mapping[str, str],
                  findings: list[Finding]) -> dict[str, Any]:
    year = load_programme(_year(request))
    plan = returns.assured_plan(store_of(request), area_code, year.id)
    by_field: dict[str, list[str]] = {}
    for f in findings:
        if f.location.field:
            by_field.setdefault(f.location.field, []).append(f.message)
    return {"programme": year, "plan": plan, "values": values, "findings": findings, "by_field": by_field,
            "field_id": field_id, "quarter_label": quarter_label, "periods": _periods(year),
            "current": is_current(year), "engine": ENGINE,
            "metric_lines": _metric_lines(request, year, plan, area_code, values.get("quarter", "")),
            "open_schemes": any(name.startswith("schemes.") for name in by_field)}


def _prefill(request: Request, plan: Plan | None, quarter: str) -> dict[str, str]:
    """The pool's books to the end of the period, as the form's starting figures."""
    values = {"quarter": quarter}
    if plan is None:
        return values
    pools, schemes = returns.finance_to_date(store_of(request), plan, quarter)
    for p in pools:
        values[f"pools.{p.pool}.income_to_date"] = p.income_to_date.plain()
        values[f"pools.{p.pool}.expenditure_to_date"] = p.expenditure_to_date.plain()
    for s in schemes:
        values[f"schemes.{s.scheme}.expenditure_to_date"] = s.expenditure_to_date.plain()
    return values


@pages.get("/areas/{code}/returns/new", response_class=HTMLResponse)
def return_form(request: Request, code: str, user: CurrentUser, quarter: str | None = None) -> Response:
    area = visible_area(user, code)
    returns.require_submitter(user, area.code)
    year = load_programme(_year(request))
    done = returns.latest_returns(store_of(request), area.code, year.id)
    periods = _periods(year)
    chosen = quarter if quarter in periods else next((q for q in periods if q not in done), periods[-1])
    plan = returns.assured_plan(store_of(request), area.code, year.id)
    context = _form_context(request, area.code, _prefill(request, plan, chosen), [])
    return render(request, "return_form.html", {"area": area, **context})


def data_from_form(form: Mapping[str, Any], plan: Plan | None, conditions: list[str],
                   metrics: list[str] | None = None) -> dict[str, Any]:
    """The form's fields as the documented JSON shape (blank figures are left for validation to name).

    ``metrics``: the year's metric ids (current years); an engine figure is not a form field (the
    service fills it), so only the area's figure, judgement and narrative are read."""
    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    data: dict[str, Any] = {"quarter": text("quarter"), "non_elective_admissions": text("admissions"),
                            "delayed_days": text("delayed_days"), "narrative": text("narrative")}
    pools = [p.id for p in plan.pools] if plan is not None else []
    data["pools"] = [{"pool": p, "income_to_date": text(f"pools.{p}.income_to_date"),
                      "expenditure_to_date": text(f"pools.{p}.expenditure_to_date")} for p in pools]
    refs = [s.ref for s in plan.schemes] if plan is not None else []
    data["schemes"] = [{"scheme": r, "expenditure_to_date": text(f"schemes.{r}.expenditure_to_date")}
                       for r in refs if text(f"schemes.{r}.expenditure_to_date")]
    data["conditions"] = [{"id": c, "met": text(f"conditions.{c}") or None,
                           "comment": text(f"conditions.{c}.comment")} for c in conditions]
    if metrics:
        data["metrics"] = [{"metric": m, "actual": text(f"metrics.{m}.actual"),
                            "on_track": text(f"metrics.{m}.on_track") or None,
                            "narrative": text(f"metrics.{m}.narrative")} for m in metrics]
        for key in ("non_elective_admissions", "delayed_days"):      # not asked for from 2021-22
            if not data[key]:
                del data[key]
    return data


@pages.post("/areas/{code}/returns/new")
def submit_form(request: Request, code: str, user: CurrentUser, form: CheckedForm) -> Response:
    area = visible_area(user, code)
    returns.require_submitter(user, area.code)
    year = load_programme(_year(request))
    store = store_of(request)
    plan = returns.assured_plan(store, area.code, year.id)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    data = data_from_form(form, plan, [c.id for c in year.conditions],
                          [m.code for m in year.metrics] if is_current(year) else None)
    try:
        done = returns.submit_data(store, data, actor=user.email, area=area.code, year=year.id)
    except ValidationFailed as exc:
        context = _form_context(request, area.code, values, exc.findings)
        return render(request, "return_form.html", {"area": area, **context}, status_code=422)
    r = done.record
    return RedirectResponse(f"/areas/{area.code}/returns?done={r.quarter}-v{r.version}", status_code=303)


# API ------------------------------------------------------------------------------------------
class PoolIn(BaseModel):
    pool: str = Field(max_length=32)
    income_to_date: str | None = Field(default=None, max_length=40, description="Pounds, e.g. '1234.56'.")
    expenditure_to_date: str | None = Field(default=None, max_length=40, description="Pounds, e.g. '1234.56'.")
    income_to_date_pence: int | None = None
    expenditure_to_date_pence: int | None = None


class SchemeIn(BaseModel):
    scheme: str = Field(max_length=32)
    expenditure_to_date: str | None = Field(default=None, max_length=40)
    expenditure_to_date_pence: int | None = None


class ConditionIn(BaseModel):
    id: str = Field(max_length=16)
    met: bool | None = None
    comment: str = Field(default="", max_length=10_000)


class MetricIn(BaseModel):
    metric: str = Field(max_length=40)
    actual: float | None = Field(default=None, description="The period's figure in the metric's unit (left out "
                                                           "where the metrics engine has it).")
    on_track: bool | None = None
    narrative: str = Field(default="", max_length=10_000)


class ReturnIn(BaseModel):
    """A quarterly return (the shape of ``carepool returns submit``); the area comes from the address.

    Every field may be left out here: what is missing comes back as findings, all at once.
    """

    quarter: str | None = Field(default=None, max_length=20, description="'2015Q1' or '2015-16 Q1'.")
    non_elective_admissions: int | None = None
    delayed_days: int | None = None
    pools: list[PoolIn] = Field(default_factory=list, max_length=50)
    schemes: list[SchemeIn] = Field(default_factory=list, max_length=500)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=50)
    narrative: str = Field(default="", max_length=10_000)
    metrics: list[MetricIn] = Field(default_factory=list, max_length=30,
                                    description="From 2021-22: each metric of the year's set.")


class ReturnOut(BaseModel):
    area_code: str
    year: str
    quarter: str
    label: str
    version: int
    submitted_by: str
    submitted_at: datetime
    deadline: date | None
    on_time: bool | None
    non_elective_admissions: int | None
    delayed_days: int | None
    income_to_date_pence: int
    expenditure_to_date_pence: int
    document: dict[str, Any]


def return_out(r: ReturnRecord) -> ReturnOut:
    d = r.document
    return ReturnOut(area_code=r.area_code, year=r.year, quarter=r.quarter, label=r.label, version=r.version,
                     submitted_by=r.submitted_by, submitted_at=r.submitted_at, deadline=r.deadline,
                     on_time=r.on_time, non_elective_admissions=d.admissions, delayed_days=d.delayed_days,
                     income_to_date_pence=d.income_to_date.pence, expenditure_to_date_pence=d.expenditure_to_date.pence,
                     document=return_to_dict(d))


@api.get("/areas/{code}/returns", response_model=list[ReturnOut],
         summary="Every version of the area's quarterly returns for the service's year")
def list_api(request: Request, code: str, user: CurrentUser) -> list[ReturnOut]:
    area = visible_area(user, code)
    return [return_out(r) for r in returns.list_returns(store_of(request), area.code, _year(request))]


@api.post("/areas/{code}/returns", response_model=ReturnOut, status_code=201,
          summary="Submit a quarterly return (a correction is a new version)")
def submit_api(request: Request, code: str, user: CurrentUser, body: ReturnIn | None = None,
               x_csrf_token: CsrfHeader = None) -> ReturnOut:
    check_csrf(request, x_csrf_token)
    area = visible_area(user, code)
    returns.require_submitter(user, area.code)
    data = (body or ReturnIn()).model_dump(exclude_none=True)
    done = returns.submit_data(store_of(request), data, actor=user.email, area=area.code, year=_year(request))
    return return_out(done.record)


router = APIRouter()
router.include_router(pages)
router.include_router(api)
