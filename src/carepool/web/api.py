"""The JSON API under /api: the same figures as the pages, for other systems and scripts.

Reading here; the workflow's POSTs are in ``api_actions``. Every error answers in the one
shape of ``web.errors``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from carepool.services import dashboard as data
from carepool.services.users import User
from carepool.web.area_data import AreaView, area_view
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.session import csrf_token, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
Sort = Literal["code", "name", "region", "status", "pooled", "spend", "earned", "paid_to_acute",
               "admissions_variation", "delayed_variation"]


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
    pooled_pence: int
    spend_pence: int
    earned_pence: int
    paid_to_acute_pence: int
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
    amount_pence: int


class PlanOut(BaseModel):
    version: int
    status: str
    pooled_pence: int
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
                q: Annotated[str | None, Query(max_length=100)] = None, sort: Sort = "code",
                order: Literal["asc", "desc"] = "asc") -> list[AreaRowOut]:
    rows = data.area_rows(store_of(request), user, year_of(request))
    chosen = data.select_rows(rows, status=status or None, q=q or None, sort=sort, order=order)
    return [AreaRowOut(code=r.code, name=r.name, region=r.region, status=r.status, version=r.version,
                       pooled_pence=r.pooled, spend_pence=r.spend, earned_pence=r.earned,
                       paid_to_acute_pence=r.paid_to_acute, admissions_variation=r.admissions_variation,
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
            partners=[x.code for x in p.partners], partner_signoffs=sorted(view.state.partner_signoffs),
            outcome=view.state.outcome, conditions=view.state.conditions,
            schemes=[SchemeOut(ref=s.ref, name=s.name, scheme_type=s.scheme_type, pool=s.pool,
                               amount_pence=s.amount.pence) for s in p.schemes])
    history = [EventOut(action=e.action, actor=e.actor, at=e.at, from_status=e.from_status.value if e.from_status
                        else None, to_status=e.to_status.value, detail=e.detail) for e in view.events]
    return AreaOut(code=view.area.code, name=view.area.name, region=view.area.region_name, plan=plan,
                   history=history)
