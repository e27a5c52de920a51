"""The outermost layer of every request: of which host, with how big a body; and every answer's headers.

A pure ASGI middleware, so it acts before anything reads the body or the session (which
proxies may say who the client is, is uvicorn's job: ``services.serving.proxy_options``):

- **Host**: a request for a host not in ``trusted_hosts`` gets 400, so a forged Host header
  cannot steer an absolute URL the service builds (the OpenID Connect callback, log-out).
- **Body size**: each route's limit (``max_body_bytes`` for forms and JSON, ``max_upload_bytes``
  for workbook uploads) is enforced before parsing: a declared ``Content-Length`` over it is
  refused with 413 without reading a byte, and a body streamed without one is cut off at the limit.
- **Headers on every answer**: the security headers, ``Cache-Control: no-store`` on all but the
  static assets (pages, API answers and downloads may hold personal or unpublished figures),
  and ``Strict-Transport-Security`` when cookies are Secure (the service is behind HTTPS).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carepool.web.settings import WebSettings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'self'",
}
HSTS = "max-age=31536000; includeSubDomains"
MULTIPART_ALLOWANCE = 64 * 1024       # the form's other fields and part headers around an uploaded file
# routes that take a workbook upload (POST): the larger limit; and the pool manager's files, and a share to send
UPLOAD_ROUTES = (re.compile(r"^/areas/[^/]+/upload$"), re.compile(r"^/api/areas/[^/]+/plan$"),
                 re.compile(r"^/areas/[^/]+/ledger/(payments|reconcile)$"), re.compile(r"^/sharing/shares/send$"),
                 re.compile(r"^/api/sharing/mesh/send$"))
UNCACHED_EXCEPT = ("/static/",)
WRONG_HOST = "This service does not answer for that host name. Use the address your organisation gave you."


def too_large_message(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
    return (f"The request is larger than this address accepts ({size}); nothing was read or stored. "
            "A planning workbook or form is much smaller: check what was sent.")


def body_limit(settings: WebSettings, method: str, path: str) -> int:
    """How many bytes of body ``method path`` may send."""
    if method == "POST" and any(route.match(path) for route in UPLOAD_ROUTES):
        return settings.max_upload_bytes + MULTIPART_ALLOWANCE
    return settings.max_body_bytes


def host_allowed(host: str, trusted: Iterable[str]) -> bool:
    """True when the Host header's name (port dropped) is one of ``trusted`` ("*.x" matches subdomains)."""
    name = host.strip().lower()
    if name.startswith("["):                       # [::1]:8000
        name = name[1:name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if not name:
        return False
    for pattern in trusted:
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False




class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host", ""), self.settings.trusted_hosts):
            await self._refuse(scope, self._with_headers(scope, send), 400, WRONG_HOST)
            return
        limit = body_limit(self.settings, scope["method"], scope["path"])
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, self._with_headers(scope, send), 413, too_large_message(limit))
            return
        await self._bounded(scope, receive, self._with_headers(scope, send), limit)

    async def _bounded(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the app with at most ``limit`` body bytes; past that it hears a disconnect and its
        answer, if any, is replaced by the 413."""
        seen, over, started = 0, False, False

        async def receiving() -> Message:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if over:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(scope, send, 413, too_large_message(limit))
                return                      # the app's own answer to the cut-off body is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(scope, send, 413, too_large_message(limit))

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        cacheable = scope["path"].startswith(UNCACHED_EXCEPT)
        secure = self.settings.secure_cookies

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    out.setdefault(name, value)
                if not cacheable:
                    out["Cache-Control"] = "no-store"
                if secure:
                    out["Strict-Transport-Security"] = HSTS
            await send(message)
        return sending

    async def _refuse(self, scope: Scope, send: Send, status: int, detail: str) -> None:
        from carepool.web.errors import error_response  # errors imports the pages' rendering

        async def nothing() -> Message:
            return {"type": "http.disconnect"}
        response = error_response(Request(scope, nothing), status, detail)
        response.headers["Connection"] = "close"     # the unread body is not waited for
        await response(scope, nothing, send)

