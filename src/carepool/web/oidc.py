"""OpenID Connect log-in (authorisation code flow with PKCE, state and nonce), by configuration.

The identity provider (for the NHS, e.g. CIS2) proves who someone is; the carepool account with
the same email decides what they may do, so nobody gets in without an account an administrator
made. The ID token's signature, issuer, audience, expiry and nonce are all checked.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from carepool.errors import ConfigurationError, NotFound, PermissionDenied
from carepool.services import users
from carepool.web import session
from carepool.web.settings import WebSettings

router = APIRouter(include_in_schema=False)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
TIMEOUT = 10.0


def _settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    if not settings.oidc_configured or settings.oidc_issuer is None:
        raise NotFound("log-in through an identity provider is not configured")
    return settings


def _provider(request: Request, issuer: str) -> dict[str, Any]:
    """The provider's discovery document (fetched once per app, issuer checked)."""
    cached: dict[str, Any] | None = getattr(request.app.state, "oidc_provider", None)
    if cached is None:
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            found = httpx.get(url, timeout=TIMEOUT).raise_for_status().json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ConfigurationError(f"cannot read the identity provider's configuration at {url}: {exc}") from exc
        if found.get("issuer") != issuer:
            raise ConfigurationError(f"identity provider says its issuer is {found.get('issuer')!r}, not {issuer!r}")
        request.app.state.oidc_provider = cached = found
    return cached


def _callback_url(request: Request, settings: WebSettings) -> str:
    return settings.oidc_redirect_url or str(request.url_for("oidc_callback"))


@router.get("/login/oidc")
def start(request: Request) -> Response:
    settings = _settings(request)
    assert settings.oidc_issuer is not None and settings.oidc_client_id is not None
    provider = _provider(request, settings.oidc_issuer)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    request.session["oidc"] = {"state": state, "nonce": nonce, "verifier": verifier}
    query = urlencode({"response_type": "code", "client_id": settings.oidc_client_id, "scope": "openid email profile",
                       "redirect_uri": _callback_url(request, settings), "state": state, "nonce": nonce,
                       "code_challenge": challenge, "code_challenge_method": "S256"})
    return RedirectResponse(f"{provider['authorization_endpoint']}?{query}", status_code=303)


@router.get("/login/oidc/callback", name="oidc_callback")
def callback(request: Request, code: str = "", state: str = "") -> Response:
    settings = _settings(request)
    assert settings.oidc_issuer is not None and settings.oidc_client_id is not None
    pending = request.session.pop("oidc", None)
    if not isinstance(pending, dict) or not state or not secrets.compare_digest(state, str(pending.get("state"))):
        raise PermissionDenied("This log-in did not start here or has expired; start again from the log-in page.")
    provider = _provider(request, settings.oidc_issuer)
    try:
        tokens = httpx.post(provider["token_endpoint"], timeout=TIMEOUT, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": _callback_url(request, settings),
            "client_id": settings.oidc_client_id, "client_secret": settings.oidc_client_secret or "",
            "code_verifier": pending["verifier"]}).raise_for_status().json()
        key = jwt.PyJWKClient(provider["jwks_uri"]).get_signing_key_from_jwt(tokens["id_token"])
        claims = jwt.decode(tokens["id_token"], key.key, algorithms=ALGORITHMS, audience=settings.oidc_client_id,
                            issuer=settings.oidc_issuer, options={"require": ["exp", "iat", "sub"]})
    except (httpx.HTTPError, KeyError, ValueError, jwt.PyJWTError) as exc:
        raise PermissionDenied(f"the identity provider's answer could not be trusted ({type(exc).__name__})") from exc
    if claims.get("nonce") != pending.get("nonce"):
        raise PermissionDenied("the identity provider's answer was not for this log-in")
    email = claims.get(settings.oidc_email_claim)
    if not isinstance(email, str):
        raise PermissionDenied(f"the identity provider did not say who you are (no '{settings.oidc_email_claim}')")
    session.start(request, users.user_for_identity(session.store_of(request), email))
    return RedirectResponse("/", status_code=303)
