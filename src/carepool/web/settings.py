"""Settings of the web service, from arguments or the environment (documented in README).

``CAREPOOL_WEB_SECRET`` signs session cookies (a random one per process when unset, so
sessions end when the server restarts); ``CAREPOOL_WEB_SECURE_COOKIES=1`` marks cookies
Secure (set it behind HTTPS). OpenID Connect is configured by ``CAREPOOL_OIDC_ISSUER``,
``CAREPOOL_OIDC_CLIENT_ID``, ``CAREPOOL_OIDC_CLIENT_SECRET``, optionally
``CAREPOOL_OIDC_REDIRECT_URL`` (the public callback address, ``.../login/oidc/callback``) and
``CAREPOOL_OIDC_EMAIL_CLAIM`` (default ``email``): the identity provider proves who someone
is, and their carepool account (same email, made by an administrator) says what they may do.
``CAREPOOL_OIDC_POST_LOGOUT_URL`` is where the identity provider sends people back after
logging out there (default: this service's ``/login``).

Log-in throttling per client address (on top of each account's lock-out after 5 failures):
``CAREPOOL_LOGIN_IP_MAX_FAILURES`` failed log-ins (default 20) per
``CAREPOOL_LOGIN_IP_WINDOW_SECONDS`` (default 900) from one address, then 429 until the oldest
failure leaves the window. The count is kept per server process (``carepool serve --workers N``
allows up to N times as many) and forgets the least recently seen addresses beyond 10,000.

``CAREPOOL_WEB_WARM=0`` turns off the start-up warm-up (``web/warmup.py``: a low-priority child
process that fills the dashboard and every area page's charts and evaluation caches, about 10 s
of CPU), so each area is then computed on its first request instead. By default the server opens
its port only when the warm-up is done, or after ``CAREPOOL_WEB_WARM_WAIT`` seconds (default 60;
0: open at once and warm in the background), so the first users never wait for a cold cache.

``CAREPOOL_WEB_YEAR`` (e.g. ``bcf-2025-26``) is the programme year pages show until someone picks
another with the year selector; unset, it is the latest year the store has plans for
(``carepool demo`` sets it to the demo's year).

Limits and network settings (see README, "Security"): ``CAREPOOL_WEB_MAX_BODY_BYTES`` (default
1 MiB) bounds a form or JSON body and ``CAREPOOL_WEB_MAX_UPLOAD_BYTES`` (default 10 MiB) a
workbook upload, both refused with 413 before the body is read; ``CAREPOOL_WEB_TRUSTED_HOSTS``
(comma-separated, default ``localhost,127.0.0.1,::1``) are the Host names served, any other gets
400 so a forged Host cannot steer a redirect.

MESH for the information governance pages (``/sharing/shares``: send a prepared share, receive
waiting messages) uses the same variables as ``carepool share send`` and ``receive``:
``CAREPOOL_MESH_URL``, ``CAREPOOL_MESH_MAILBOX``, ``CAREPOOL_MESH_PASSWORD``,
``CAREPOOL_MESH_SHARED_KEY``, and ``CAREPOOL_MESH_INBOX`` (default ``inbox``) for where received
files are written. Unset, the pages say MESH is not set up and send nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from carepool.errors import ConfigurationError

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    secure_cookies: bool = False
    session_max_age: int = 8 * 60 * 60        # seconds: one working day
    max_upload_bytes: int = 10 * 1024 * 1024
    year: str | None = None                   # the year pages show first (None: the latest with plans)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_redirect_url: str | None = None
    oidc_email_claim: str = "email"
    oidc_post_logout_url: str | None = None
    login_ip_max_failures: int = 20             # failed log-ins from one address per window
    login_ip_window: int = 15 * 60              # seconds
    warm_caches: bool = True                    # fill the per-process caches at start-up
    warm_wait: float = 60.0                     # seconds start-up waits for the warm-up (0: do not wait)
    max_body_bytes: int = 1024 * 1024           # a form or JSON body; workbook uploads get max_upload_bytes
    trusted_hosts: tuple[str, ...] = LOCAL_HOSTS    # Host header values served ("*.x.nhs.uk" allowed; "*": any)
    mesh_url: str | None = None                 # the service's MESH mailbox, for the IG pages' send and receive
    mesh_mailbox: str | None = None
    mesh_password: str | None = field(default=None, repr=False)
    mesh_shared_key: str | None = field(default=None, repr=False)
    mesh_inbox: str = "inbox"                   # where received messages are written

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
        oidc_post_logout_url=env.get("CAREPOOL_OIDC_POST_LOGOUT_URL") or None,
        login_ip_max_failures=_positive(env, "CAREPOOL_LOGIN_IP_MAX_FAILURES", 20),
        login_ip_window=_positive(env, "CAREPOOL_LOGIN_IP_WINDOW_SECONDS", 15 * 60),
        warm_caches=env.get("CAREPOOL_WEB_WARM", "1").lower() not in ("0", "false", "no"),
        warm_wait=float(_positive(env, "CAREPOOL_WEB_WARM_WAIT", 60, allow_zero=True)),
        max_body_bytes=_positive(env, "CAREPOOL_WEB_MAX_BODY_BYTES", 1024 * 1024),
        max_upload_bytes=_positive(env, "CAREPOOL_WEB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        trusted_hosts=_listed(env, "CAREPOOL_WEB_TRUSTED_HOSTS") or LOCAL_HOSTS,
        year=env.get("CAREPOOL_WEB_YEAR") or None,
        mesh_url=env.get("CAREPOOL_MESH_URL") or None,
        mesh_mailbox=env.get("CAREPOOL_MESH_MAILBOX") or None,
        mesh_password=env.get("CAREPOOL_MESH_PASSWORD") or None,
        mesh_shared_key=env.get("CAREPOOL_MESH_SHARED_KEY") or None,
        mesh_inbox=env.get("CAREPOOL_MESH_INBOX") or "inbox",
    )


def _listed(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in env.get(name, "").split(",") if part.strip())



def _positive(env: Mapping[str, str], name: str, default: int, *, allow_zero: bool = False) -> int:
    raw = env.get(name)
    if not raw:
        return default
    least = 0 if allow_zero else 1
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise ConfigurationError(f"{name} must be a whole number of at least {least}, not {raw!r}")
    return value
