"""Log-in and log-out pages (local accounts). Both forms carry the CSRF token.

Failed log-ins are counted per client address: past the settings' limit in the window, the
address gets 429 until the oldest failure leaves the window. Each failure also makes the next
attempt for that account wait longer (``login_delay``), which no account lock-out replaces. Log-out after a
log-in through OpenID Connect also ends the session at the identity provider when it offers that
(``end_session_endpoint``).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from carepool.errors import PermissionDenied
from carepool.services import users
from carepool.web import oidc, session
from carepool.web.login_delay import LoginDelays
from carepool.web.render import render

router = APIRouter(include_in_schema=False)


def safe_next(target: object) -> str:
    """Only a local path may follow log-in (no open redirect to another site)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "problem": None, "email": "",
                                          "oidc": request.app.state.settings.oidc_configured})


@router.post("/login")
async def login(request: Request) -> Response:
    """The address's limit first, then the wait earned by earlier failures (on the loop, holding no
    thread), then the password check (argon2: slow on purpose, so in the thread pool)."""
    form = await session.checked_form(request)
    address, email = session.client_address(request), str(form.get("email", ""))
    await run_in_threadpool(session.login_throttle(request).check, address)
    await asyncio.sleep(login_delays(request).before(address, email))
    return await run_in_threadpool(_log_in, request, form, address)


def login_delays(request: Request) -> LoginDelays:
    """The app's progressive log-in delays (made on first use)."""
    delays: LoginDelays | None = getattr(request.app.state, "login_delays", None)
    if delays is None:
        delays = request.app.state.login_delays = LoginDelays(request.app.state.settings.login_ip_window)
    return delays


def _log_in(request: Request, form: FormData, address: str) -> Response:
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = safe_next(form.get("next"))
    try:
        user = users.authenticate(session.store_of(request), email, password)
    except PermissionDenied as refused:
        session.login_throttle(request).fail(address)
        login_delays(request).fail(address, email)
        return render(request, "login.html", {"next": target, "problem": str(refused), "email": email,
                                              "oidc": request.app.state.settings.oidc_configured},
                      status_code=401)
    login_delays(request).succeed(address, email)
    session.start(request, user)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await session.checked_form(request)
    return await run_in_threadpool(_log_out, request)


def _log_out(request: Request) -> Response:
    id_token = request.session.get(oidc.ID_TOKEN) if session.signed_in(request) is not None else None
    session.end(request)
    if isinstance(id_token, str):
        provider_logout = oidc.logout_url(request, id_token)
        if provider_logout is not None:
            return RedirectResponse(provider_logout, status_code=303)
    return RedirectResponse("/login", status_code=303)
