"""Administrators manage accounts in the browser: list everyone, add a local account."""

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
