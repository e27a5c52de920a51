"""The plan workflow over the JSON API: sign off, submit, assure (same services as the pages).

A script signs in like a person (session cookie) and sends the session's CSRF token, from
``GET /api/me``, in the ``X-CSRF-Token`` header of every POST.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from carepool.services import plans
from carepool.services.users import Action, User, require
from carepool.web.api import AreaOut, area_out
from carepool.web.area_data import area_view, visible_area
from carepool.web.errors import ERROR_RESPONSES
from carepool.web.session import CSRF_HEADER, check_csrf, current_user, store_of

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)
CurrentUser = Annotated[User, Depends(current_user)]
CsrfHeader = Annotated[str | None, Header(alias=CSRF_HEADER, description="The session's CSRF token (GET /api/me).")]


class AssuranceIn(BaseModel):
    outcome: str = Field(max_length=100, description="One of the programme year's assurance outcomes.")
    conditions: str = Field("", max_length=4000)


def _done(request: Request, user: User, code: str) -> AreaOut:
    return area_out(area_view(store_of(request), user, code, request.app.state.settings.year))


def _guard(request: Request, user: User, code: str, action: Action, token: str | None) -> str:
    check_csrf(request, token)
    area = visible_area(user, code)
    require(user, action, area.code)
    return area.code


@router.post("/areas/{code}/sign-off", response_model=AreaOut, summary="Sign off as the user's organisation")
def sign_off(request: Request, code: str, user: CurrentUser, x_csrf_token: CsrfHeader = None) -> AreaOut:
    area = _guard(request, user, code, Action.SIGN_OFF_PARTNER, x_csrf_token)
    plans.sign_off(store_of(request), area, request.app.state.settings.year, user.org_code, actor=user.email)
    return _done(request, user, area)


@router.post("/areas/{code}/hwb-sign-off", response_model=AreaOut, summary="Sign off for the HWB")
def hwb_sign_off(request: Request, code: str, user: CurrentUser, x_csrf_token: CsrfHeader = None) -> AreaOut:
    area = _guard(request, user, code, Action.SIGN_OFF_HWB, x_csrf_token)
    plans.sign_off_hwb(store_of(request), area, request.app.state.settings.year, actor=user.email)
    return _done(request, user, area)


@router.post("/areas/{code}/submit", response_model=AreaOut, summary="Submit an HWB-signed-off plan")
def submit(request: Request, code: str, user: CurrentUser, x_csrf_token: CsrfHeader = None) -> AreaOut:
    area = _guard(request, user, code, Action.SUBMIT, x_csrf_token)
    plans.submit(store_of(request), area, request.app.state.settings.year, actor=user.email)
    return _done(request, user, area)


@router.post("/areas/{code}/assure", response_model=AreaOut, summary="Record the national assurance decision")
def assure(request: Request, code: str, decision: AssuranceIn, user: CurrentUser,
           x_csrf_token: CsrfHeader = None) -> AreaOut:
    area = _guard(request, user, code, Action.ASSURE, x_csrf_token)
    plans.assure(store_of(request), area, request.app.state.settings.year, decision.outcome, actor=user.email,
                 conditions=decision.conditions.strip())
    return _done(request, user, area)
