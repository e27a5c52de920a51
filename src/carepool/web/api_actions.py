"""The plan workflow over the JSON API: sign off, submit, assure (same services as the pages).

A script signs in like a person (session cookie) and sends the session's CSRF token, from
``GET /api/me``, in the ``X-CSRF-Token`` header of every POST. Each decision names the plan
version it is about in ``If-Match`` (the ETag of ``GET /api/areas/{code}/plan``): 409 if the
plan has changed since, 428 without it, so a decision never lands on content nobody saw.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from carepool.services import plans
from carepool.services.users import Action, User, require
from carepool.web.api import AreaOut, area_out
from carepool.web.area_data import area_view, visible_area
from carepool.web.errors import ERROR_RESPONSES, ErrorOut
from carepool.web.session import CSRF_HEADER, check_csrf, current_user, store_of
from carepool.web.year_choice import year_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
CsrfHeader = Annotated[str | None, Header(alias=CSRF_HEADER, description="The session's CSRF token (GET /api/me).")]


class AssuranceIn(BaseModel):
    outcome: str = Field(max_length=100, description="One of the programme year's assurance outcomes.")
    conditions: str = Field("", max_length=4000)


IfMatch = Annotated[str | None, Header(
    max_length=1000, description="The ETag of the plan version the decision is about (GET /api/areas/{code}/plan "
                                 "or /api/areas/{code}); 409 if the plan has changed since, 428 if left out.")]
DECISION_RESPONSES: dict[int | str, dict[str, Any]] = {
    428: {"model": ErrorOut, "description": "If-Match is needed: the ETag of the version decided on"}}


def shown_version(if_match: str | None) -> str:
    """The version token an If-Match header names (one strong entity tag), or 428 without one."""
    tags = [t.strip() for t in (if_match or "").split(",") if t.strip() and t.strip() != "*"]
    if not tags:
        raise HTTPException(428, "Send If-Match with the ETag of the plan version you are deciding on (from GET "
                                 "/api/areas/{code}/plan), so the decision cannot land on content you have not seen.")
    tag = tags[0]
    if tag.startswith("W/") or len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
        return "not a strong entity tag"     # never matches: a decision binds to exact content
    return tag[1:-1]


def _done(request: Request, response: Response, user: User, code: str) -> AreaOut:
    view = area_view(store_of(request), user, code, year_of(request))
    if view.record is not None:
        response.headers["ETag"] = f'"{view.token}"'
    return area_out(view)


def _guard(request: Request, user: User, code: str, action: Action, token: str | None) -> str:
    check_csrf(request, token)
    area = visible_area(user, code)
    require(user, action, area.code)
    return area.code


@router.post("/areas/{code}/sign-off", response_model=AreaOut, responses=DECISION_RESPONSES,
             summary="Sign off as the user's organisation")
def sign_off(request: Request, response: Response, code: str, user: CurrentUser, x_csrf_token: CsrfHeader = None,
             if_match: IfMatch = None) -> AreaOut:
    area = _guard(request, user, code, Action.SIGN_OFF_PARTNER, x_csrf_token)
    plans.sign_off(store_of(request), area, year_of(request), user.org_code, actor=user.email,
                   expected=shown_version(if_match))
    return _done(request, response, user, area)


@router.post("/areas/{code}/hwb-sign-off", response_model=AreaOut, responses=DECISION_RESPONSES,
             summary="Sign off for the HWB")
def hwb_sign_off(request: Request, response: Response, code: str, user: CurrentUser,
                 x_csrf_token: CsrfHeader = None, if_match: IfMatch = None) -> AreaOut:
    area = _guard(request, user, code, Action.SIGN_OFF_HWB, x_csrf_token)
    plans.sign_off_hwb(store_of(request), area, year_of(request), actor=user.email,
                       expected=shown_version(if_match))
    return _done(request, response, user, area)


@router.post("/areas/{code}/submit", response_model=AreaOut, responses=DECISION_RESPONSES,
             summary="Submit an HWB-signed-off plan")
def submit(request: Request, response: Response, code: str, user: CurrentUser, x_csrf_token: CsrfHeader = None,
           if_match: IfMatch = None) -> AreaOut:
    area = _guard(request, user, code, Action.SUBMIT, x_csrf_token)
    plans.submit(store_of(request), area, year_of(request), actor=user.email,
                 expected=shown_version(if_match))
    return _done(request, response, user, area)


@router.post("/areas/{code}/assure", response_model=AreaOut, responses=DECISION_RESPONSES,
             summary="Record the national assurance decision")
def assure(request: Request, response: Response, code: str, decision: AssuranceIn, user: CurrentUser,
           x_csrf_token: CsrfHeader = None, if_match: IfMatch = None) -> AreaOut:
    area = _guard(request, user, code, Action.ASSURE, x_csrf_token)
    plans.assure(store_of(request), area, year_of(request), decision.outcome, actor=user.email,
                 conditions=decision.conditions.strip(), expected=shown_version(if_match))
    return _done(request, response, user, area)
