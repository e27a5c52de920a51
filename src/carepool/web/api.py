"""The JSON API under /api: the same figures as the pages, for other systems and scripts.

Reading here; the workflow's POSTs are in ``api_actions``. Every error answers in the one
shape of ``web.errors``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from carepool.services import dashboard as data
from carepool.services.users import User
from carepool.web.area_data import AreaView, area_view
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.session import csrf_token, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
Sort = Literal["code", "name", "region", "status", "pooled", "spend", "earned", "paid_to_acute",
               "admissions_variation", "delayed_variation",
               "pooled_2017_18", "pooled_2018_19", "pooled_2023_24", "pooled_2024_25",   # data.PLAN_YEAR_SORTS
               "spend_2017_18", "spend_2018_19", "spend_2023_24", "spend_2024_25",
               "earned_2017_18", "earned_2018_19", "earned_2023_24", "earned_2024_25",
               "paid_to_acute_2017_18", "paid_to_acute_2018_19", "paid_to_acute_2023_24", "paid_to_acute_2024_25"]
SORT_HELP = ("pooled_2023_24, spend_2024_25 and the like sort by that figure in that plan year of a two-year programme "
             "(another programme's rows have nothing pooled in it, so they stay in code order)")
WHOLE_PLAN = "Pooled over the whole plan, in pence (a two-year plan: both plan years together)"
BY_PLAN_YEAR = ("A two-year plan: pence pooled in each plan year, e.g. {\"2023-24\": ..., \"2024-25\": ...}; "
                "empty for a one-year plan, whose pooled_pence is its year's")
BOOKS_WHOLE = ("From the books, in pence: a two-year plan's is the sum of its plan years (postings dated in the "
               "plan); a one-year programme's is the area's books")
BOOKS_BY_PLAN_YEAR = ("A two-year plan: pence in each plan year, from the postings dated in it; empty for a "
                      "one-year programme")


class UserOut(BaseModel):
    email: str
    name: str
    organisation: str
    organisation_kind: str
    role: str
    areas: list[str]
    national: bool
    csrf_token: str


class AreaRowOut(BaseModel):
    code: str
    name: str
    region: str
    status: str
    version: int | None
    pooled_pence: int = Field(description=WHOLE_PLAN)
    pooled_by_plan_year: dict[str, int] = Field(description=BY_PLAN_YEAR)
    spend_pence: int = Field(description=BOOKS_WHOLE)
    spend_by_plan_year: dict[str, int] = Field(description=BOOKS_BY_PLAN_YEAR)
    earned_pence: int = Field(description=BOOKS_WHOLE)
    earned_by_plan_year: dict[str, int] = Field(description=BOOKS_BY_PLAN_YEAR)
    paid_to_acute_pence: int = Field(description=BOOKS_WHOLE)
    paid_to_acute_by_plan_year: dict[str, int] = Field(description=BOOKS_BY_PLAN_YEAR)
    admissions_variation: str
    delayed_variation: str


class EventOut(BaseModel):
    action: str
    actor: str
    at: datetime
    from_status: str | None
    to_status: str
    detail: str


class SchemeOut(BaseModel):
    ref: str
    name: str
    scheme_type: str
    pool: str
    amount_pence: int = Field(description="Planned spend over the whole plan, in pence")
    amounts_by_plan_year: dict[str, int] = Field(description="A two-year plan: planned spend in each plan year")


class PlanOut(BaseModel):
    version: int
    status: str
    pooled_pence: int = Field(description=WHOLE_PLAN)
    pooled_by_plan_year: dict[str, int] = Field(description=BY_PLAN_YEAR)
    partners: list[str]
    partner_signoffs: list[str]
    outcome: str | None
    conditions: str
    schemes: list[SchemeOut]


class AreaOut(BaseModel):
    code: str
    name: str
    region: str
    plan: PlanOut | None
    history: list[EventOut]


@router.get("/me", response_model=UserOut, summary="Who is signed in, and the CSRF token for POSTs")
def me(request: Request, user: CurrentUser) -> UserOut:
    return UserOut(email=user.email, name=user.name, organisation=user.org_code, organisation_kind=user.org_kind,
                   role=user.role.value, areas=list(user.areas), national=user.national,
                   csrf_token=csrf_token(request))


@router.get("/areas", response_model=list[AreaRowOut], summary="The dashboard: every area the user may see")
def areas(request: Request, user: CurrentUser, status: Annotated[str | None, Query(max_length=40)] = None,
                q: Annotated[str | None, Query(max_length=100)] = None,
                sort: Annotated[Sort, Query(description=SORT_HELP)] = "code",
                order: Literal["asc", "desc"] = "asc") -> list[AreaRowOut]:
    year = year_of(request)
    rows = data.area_rows(store_of(request), user, year)
    chosen = data.select_rows(rows, status=status or None, q=q or None, sort=sort, order=order, year=year)
    return [AreaRowOut(code=r.code, name=r.name, region=r.region, status=r.status, version=r.version,
                       pooled_pence=r.pooled, pooled_by_plan_year=dict(r.pooled_years),
                       spend_pence=r.spend, spend_by_plan_year=r.by_plan_year("spend"),
                       earned_pence=r.earned, earned_by_plan_year=r.by_plan_year("earned"),
                       paid_to_acute_pence=r.paid_to_acute, paid_to_acute_by_plan_year=r.by_plan_year("paid_to_acute"),
                       admissions_variation=r.admissions_variation,
                       delayed_variation=r.delayed_variation) for r in chosen]


@router.get("/areas/{code}", response_model=AreaOut, summary="One area: its latest plan and history")
def area(request: Request, response: Response, code: str, user: CurrentUser) -> AreaOut:
    view = area_view(store_of(request), user, code, year_of(request))
    if view.record is not None:
        response.headers["ETag"] = f'"{view.token}"'   # what If-Match names on a decision
    return area_out(view)


def area_out(view: AreaView) -> AreaOut:
    plan: PlanOut | None = None
    if view.record is not None and view.state is not None:
        p = view.record.plan
        plan = PlanOut(
            version=view.record.version, status=view.state.status.value, pooled_pence=p.pooled_total.pence,
            pooled_by_plan_year={label: m.pence for label, m in p.pooled_by_plan_year},
            partners=[x.code for x in p.partners], partner_signoffs=sorted(view.state.partner_signoffs),
            outcome=view.state.outcome, conditions=view.state.conditions,
            schemes=[SchemeOut(ref=s.ref, name=s.name, scheme_type=s.scheme_type, pool=s.pool,
                               amount_pence=s.amount.pence,
                               amounts_by_plan_year={label: m.pence for label, m in s.amounts}) for s in p.schemes])
    history = [EventOut(action=e.action, actor=e.actor, at=e.at, from_status=e.from_status.value if e.from_status
                        else None, to_status=e.to_status.value, detail=e.detail) for e in view.events]
    return AreaOut(code=view.area.code, name=view.area.name, region=view.area.region_name, plan=plan,
                   history=history)
