"""OpenID Connect log-in (authorisation code flow with PKCE, state and nonce), by configuration.

The identity provider (for the NHS, e.g. CIS2) proves who someone is; the carepool account with
the same email decides what they may do, so nobody gets in without an account an administrator
made. The ID token's signature, issuer, audience, expiry and nonce are all checked, and its
``email_verified`` claim must be true (JSON ``true``): anyone can type an address they do not own.

The ID token is kept in the (signed) session so that log-out can end the provider's session too
(RP-initiated logout): when the discovery document has ``end_session_endpoint``, ``/logout``
sends the person there with ``id_token_hint`` and ``post_logout_redirect_uri`` (the settings'
``oidc_post_logout_url``, else this service's log-in page).
"""

from __future__ import annotations

import base64
import hashlib
import logging
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
log = logging.getLogger("carepool.web")
ID_TOKEN = "oidc_id_token"      # the session key of the ID token of an OpenID Connect log-in
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
    if claims.get("email_verified") is not True:   # an unverified address proves nothing about its owner
        raise PermissionDenied("the identity provider has not verified your email address, so it cannot say "
                               "which carepool account is yours; verify it there, then log in again")
    session.start(request, users.user_for_identity(session.store_of(request), email))
    request.session[ID_TOKEN] = tokens["id_token"]
    return RedirectResponse("/", status_code=303)


def logout_url(request: Request, id_token: str) -> str | None:
    """Where to send someone who logged in through the provider, to log out there too (or None).

    None when the provider is not configured, cannot be read now, or offers no end-session
    endpoint: the carepool session has ended either way.
    """
    settings: WebSettings = request.app.state.settings
    if not settings.oidc_configured or settings.oidc_issuer is None:
        return None
    try:
        provider = _provider(request, settings.oidc_issuer)
    except ConfigurationError as exc:
        log.warning("log-out at the identity provider skipped: %s", exc)
        return None
    endpoint = provider.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    back = settings.oidc_post_logout_url or str(request.url_for("login_page"))
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back,
                       "client_id": settings.oidc_client_id or ""})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
