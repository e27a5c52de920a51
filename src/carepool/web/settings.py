"""Settings of the web service, from arguments or the environment (documented in README).

``CAREPOOL_WEB_SECRET`` signs session cookies (a random one per process when unset, so
sessions end when the server restarts); ``CAREPOOL_WEB_SECURE_COOKIES=1`` marks cookies
Secure (set it behind HTTPS). OpenID Connect is configured by ``CAREPOOL_OIDC_ISSUER``,
``CAREPOOL_OIDC_CLIENT_ID``, ``CAREPOOL_OIDC_CLIENT_SECRET``, optionally
``CAREPOOL_OIDC_REDIRECT_URL`` (the public callback address, ``.../login/oidc/callback``) and
``CAREPOOL_OIDC_EMAIL_CLAIM`` (default ``email``): the identity provider proves who someone
is, and their carepool account (same email, made by an administrator) says what they may do.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    secure_cookies: bool = False
    session_max_age: int = 8 * 60 * 60        # seconds: one working day
    max_upload_bytes: int = 10 * 1024 * 1024
    year: str = "bcf-2015-16"
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_redirect_url: str | None = None
    oidc_email_claim: str = "email"

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


def from_environment(env: Mapping[str, str] | None = None, *, secret_key: str | None = None) -> WebSettings:
    env = os.environ if env is None else env
    return WebSettings(
        secret_key=secret_key or env.get("CAREPOOL_WEB_SECRET") or secrets.token_urlsafe(32),
        secure_cookies=env.get("CAREPOOL_WEB_SECURE_COOKIES", "0").lower() in ("1", "true", "yes"),
        oidc_issuer=env.get("CAREPOOL_OIDC_ISSUER") or None,
        oidc_client_id=env.get("CAREPOOL_OIDC_CLIENT_ID") or None,
        oidc_client_secret=env.get("CAREPOOL_OIDC_CLIENT_SECRET") or None,
        oidc_redirect_url=env.get("CAREPOOL_OIDC_REDIRECT_URL") or None,
        oidc_email_claim=env.get("CAREPOOL_OIDC_EMAIL_CLAIM") or "email",
    )
