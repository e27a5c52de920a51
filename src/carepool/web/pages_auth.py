"""Log-in and log-out pages (local accounts). Both forms carry the CSRF token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carepool.errors import PermissionDenied
from carepool.services import users
from carepool.web import session
from carepool.web.render import render

router = APIRouter(include_in_schema=False)


def safe_next(target: object) -> str:
    """Only a local path may follow log-in (no open redirect to another site)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "problem": None, "email": "",
                                          "oidc": request.app.state.settings.oidc_configured})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await session.checked_form(request)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = safe_next(form.get("next"))
    try:
        user = users.authenticate(session.store_of(request), email, password)
    except PermissionDenied as refused:
        return render(request, "login.html", {"next": target, "problem": str(refused), "email": email,
                                              "oidc": request.app.state.settings.oidc_configured},
                      status_code=401)
    session.start(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await session.checked_form(request)
    session.end(request)
    return RedirectResponse("/login", status_code=303)
