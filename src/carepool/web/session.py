"""The session: who is signed in, and the CSRF token every form must send back.

Sessions are Starlette's signed cookies (HttpOnly, SameSite=Lax, Secure by setting). The
session holds the user id, the user's session epoch and a random CSRF token; each request
reloads the user from the store, so a removed account, or a cookie from before a log-out, is
signed out at once.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from carepool.errors import NotFound, PermissionDenied
from carepool.services import login_limits, users
from carepool.services.users import User
from carepool.store.db import Store

CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No session: pages redirect to the log-in page, the API answers 401."""


class TooManyAttempts(Exception):
    """Too many failed log-ins from one client address: 429, with when to try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed log-ins from this address; try again in {retry_after} s")
        self.retry_after = retry_after


CSRF_HEADER = "x-csrf-token"


class StoreFailureWindow:
    """Failed log-ins per client address in a sliding window, counted in the store.

    Every worker process (``--workers``) and every restart sees the same count, so the limit
    cannot be dodged by landing on another worker (``services.login_limits``).
    """

    def __init__(self, store: Store, limit: int, window: float) -> None:
        self.store, self.limit, self.window = store, limit, window

    def check(self, key: str) -> None:
        """TooManyAttempts if ``key`` has used up its failures in the window."""
        wait = login_limits.retry_after(self.store, key, limit=self.limit, window=self.window)
        if wait is not None:
            raise TooManyAttempts(wait)

    def fail(self, key: str) -> None:
        login_limits.record_failure(self.store, key, window=self.window)


def login_throttle(request: Request) -> StoreFailureWindow:
    """The app's per-address log-in throttle (made on first use, from the settings)."""
    throttle: StoreFailureWindow | None = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        settings = request.app.state.settings
        throttle = StoreFailureWindow(store_of(request), settings.login_ip_max_failures, settings.login_ip_window)
        request.app.state.login_throttle = throttle
    return throttle


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client is not None else "unknown"


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def csrf_token(request: Request) -> str:
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def signed_in(request: Request) -> User | None:
    """The signed-in user (cached on the request), or None."""
    if "session" not in request.scope:
        return None
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    uid = request.session.get("uid")
    user: User | None = None
    if isinstance(uid, int):
        try:
            user = users.get_user(store_of(request), uid)
        except NotFound:
            user = None
        if user is None or request.session.get("epoch") != user.session_epoch:
            user = None   # removed, or logged out since this cookie was issued
            request.session.clear()
    request.state.user = user
    return user


def start(request: Request, user: User) -> None:
    """A fresh session for a new log-in (a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["epoch"] = user.session_epoch
    request.session["csrf"] = secrets.token_urlsafe(32)
    request.state.user = user


def end(request: Request) -> None:
    """Log out: this cookie and any copy of it stop working (the user's session epoch moves on)."""
    user = signed_in(request)
    if user is not None:
        users.end_sessions(store_of(request), user.id)
    request.session.clear()
    request.state.user = None


def check_csrf(request: Request, sent: object) -> None:
    expected = request.session.get("csrf") if "session" in request.scope else None
    if not (isinstance(sent, str) and isinstance(expected, str) and hmac.compare_digest(sent, expected)):
        raise PermissionDenied("This form has expired or did not come from carepool. Go back, reload and try again.")


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's (else PermissionDenied)."""
    limit = request.app.state.settings.max_upload_bytes
    form = await request.form(max_part_size=limit)
    check_csrf(request, form.get(CSRF_FIELD))
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
"""A handler parameter: the CSRF-checked form, read on the event loop before a plain ``def``
handler runs in the thread pool (reading the body does not block; what the handler does may)."""


def current_user(request: Request) -> User:
    """FastAPI dependency: the signed-in user, or LoginRequired."""
    user = signed_in(request)
    if user is None:
        raise LoginRequired()
    return user
