"""Administrators manage accounts in the browser: list everyone, add a local account, change an
account's role and areas, disable an account or enable it again (services/users.py does each)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carepool.errors import ConflictError, InputError, NotFound
from carepool.services import users
from carepool.services.users import Action, User, require
from carepool.web.render import render
from carepool.web.session import CheckedForm, current_user, store_of

router = APIRouter(include_in_schema=False)
CurrentUser = Annotated[User, Depends(current_user)]
FIELDS = ("email", "name", "org_code", "org_kind", "role", "areas")


def _page(request: Request, problem: str | None = None, sent: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    return render(request, "users.html", {
        "people": users.list_users(store_of(request)), "roles": [r.value for r in users.Role],
        "kinds": users.ORG_KINDS, "problem": problem, "sent": sent or {}}, status_code=status_code)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: CurrentUser) -> Response:
    require(user, Action.MANAGE_USERS)
    return _page(request)


@router.post("/admin/users")
def add_user(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    require(user, Action.MANAGE_USERS)
    sent = {k: str(form.get(k, "")).strip() for k in FIELDS}
    try:
        users.add_user(store_of(request), email=sent["email"], password=str(form.get("password", "")),
                       name=sent["name"], org_code=sent["org_code"], org_kind=sent["org_kind"], role=sent["role"],
                       areas=[a for a in sent["areas"].replace(",", " ").split() if a])
    except (InputError, NotFound, ConflictError) as refused:
        status = 409 if isinstance(refused, ConflictError) else 422
        detail = "An account with this email already exists." if status == 409 else str(refused)
        return _page(request, detail, sent, status_code=status)
    return RedirectResponse("/admin/users?added=1", status_code=303)


def _account_page(request: Request, user_id: int, problem: str | None = None, status_code: int = 200) -> Response:
    return render(request, "user_account.html", {
        "person": users.get_user(store_of(request), user_id), "roles": [r.value for r in users.Role],
        "problem": problem}, status_code=status_code)


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def account_page(request: Request, user_id: int, user: CurrentUser) -> Response:
    require(user, Action.MANAGE_USERS)
    return _account_page(request, user_id)


@router.post("/admin/users/{user_id}/role")
def change_role(request: Request, user_id: int, user: CurrentUser, form: CheckedForm) -> Response:
    areas = [a for a in str(form.get("areas", "")).replace(",", " ").split() if a]
    try:
        users.change_role(store_of(request), user, user_id, role=str(form.get("role", "")), areas=areas)
    except InputError as refused:
        return _account_page(request, user_id, str(refused), status_code=422)
    return RedirectResponse(f"/admin/users/{user_id}?done=role-changed", status_code=303)


@router.post("/admin/users/{user_id}/disable")
def disable(request: Request, user_id: int, user: CurrentUser, form: CheckedForm) -> Response:
    return _set_disabled(request, user_id, user, True)


@router.post("/admin/users/{user_id}/enable")
def enable(request: Request, user_id: int, user: CurrentUser, form: CheckedForm) -> Response:
    return _set_disabled(request, user_id, user, False)


def _set_disabled(request: Request, user_id: int, user: User, disabled: bool) -> Response:
    try:
        users.set_disabled(store_of(request), user, user_id, disabled)
    except InputError as refused:
        return _account_page(request, user_id, str(refused), status_code=422)
    return RedirectResponse(f"/admin/users/{user_id}?done={'disabled' if disabled else 'enabled'}",
                            status_code=303)
