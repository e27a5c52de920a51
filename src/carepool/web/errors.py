"""One error shape at the edge: carepool errors become HTTP statuses, never stack traces.

People get a helpful HTML page; ``/api`` gets ``{"error": {"status", "title", "detail",
"findings"}}`` (as does a request that asks for JSON and not HTML). Anything unexpected is
logged here and answered with a safe 500.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from carepool.errors import (
    CarepoolError,
    ConfigurationError,
    ConflictError,
    InputError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from carepool.web.render import render
from carepool.web.session import LoginRequired, TooManyAttempts

log = logging.getLogger("carepool.web")

TITLES = {400: "Bad request", 401: "Log in needed", 403: "Not allowed", 404: "Page not found",
          405: "Method not allowed", 409: "Conflict", 412: "Changed since you read it", 413: "Upload too large",
          422: "Cannot accept this", 428: "Say which version",
          429: "Too many failed log-ins", 500: "Sorry, there is a problem with the service"}
SAFE_500 = "Something went wrong on our side. Nothing you did caused it; try again later."


class FindingOut(BaseModel):
    rule: str
    severity: str
    message: str
    location: dict[str, Any]


class ErrorBody(BaseModel):
    status: int
    title: str
    detail: str
    findings: list[FindingOut]


class ErrorOut(BaseModel):
    """The one JSON error form of the API."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": TITLES[code]} for code in (401, 403, 404, 409, 422, 500)
}


def status_of(exc: CarepoolError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, InputError | ValidationFailed):
        return 422
    return 500


def wants_json(request: Request) -> bool:
    """The API, or a client that asks for JSON and not for a page."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api") or ("application/json" in accept and "text/html" not in accept)


def error_response(request: Request, status: int, detail: str,
                   findings: list[dict[str, Any]] | None = None) -> Response:
    title = TITLES.get(status, "Error")
    body = {"status": status, "title": title, "detail": detail, "findings": findings or []}
    if wants_json(request):
        return JSONResponse({"error": body}, status_code=status)
    return render(request, "error.html", {"error": body}, status_code=status)


def _carepool_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CarepoolError)
    status = status_of(exc)
    if isinstance(exc, ConfigurationError):
        log.error("configuration error: %s", exc, exc_info=exc)
        return error_response(request, 500, "The service is not set up correctly; the team has been told.")
    findings = [f.as_dict() for f in exc.findings] if isinstance(exc, ValidationFailed) else []
    return error_response(request, status, str(exc), findings)


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else ""
    return error_response(request, exc.status_code, detail or TITLES.get(exc.status_code, "Error"))


def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    findings = [{"rule": "request", "severity": "error", "message": str(e.get("msg", "invalid")),
                 "location": {"field": ".".join(str(p) for p in e.get("loc", ()))}} for e in exc.errors()]
    return error_response(request, 422, "The request has values that cannot be used.", findings)


def _login_required(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api"):
        return error_response(request, 401, "Log in first: this needs a session.")
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyAttempts)
    minutes = math.ceil(exc.retry_after / 60)
    when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    log.warning("log-in throttled for %s (retry after %d s)", request.client.host if request.client else "?",
                exc.retry_after)
    response = error_response(
        request, 429, f"There have been too many failed log-ins from your network. Wait {when}, then try "
                      "again. If you have forgotten your password, ask your carepool administrator to reset it.")
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, SAFE_500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(CarepoolError, _carepool_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(Exception, _unexpected)
