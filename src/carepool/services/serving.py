"""Serve the web pages and the JSON API on a store: the one use case behind `carepool serve`
and `carepool demo --serve`.

Services never import the web package (ARCHITECTURE.md): uvicorn loads the app by name,
through ``carepool.web.app:app_from_environment``, with the store URL in ``CAREPOOL_DB``.
The store is opened first, so a bad URL is reported plainly (as a carepool error) before serving.

With ``workers > 1`` every worker must sign session cookies with the same key, so when
``CAREPOOL_WEB_SECRET`` is unset one random key is made here for all of them (sessions still
end when the server restarts). Caches are per worker; sessions and the per-address log-in limit
live in the store, so they hold across workers.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping

from carepool.store.db import open_store

APP_FACTORY = "carepool.web.app:app_from_environment"
# a worker re-imports the whole package before it can answer the supervisor's health check,
# which takes longer than uvicorn's default 5 s on a busy machine
HEALTHCHECK_SECONDS = 60
MAX_WORKERS = 64


def serve(url: str, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          say: Callable[[str], None] = print) -> None:
    """Open (create or upgrade) the store at ``url``, then serve it until interrupted."""
    import uvicorn

    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
    open_store(url).dispose()
    os.environ["CAREPOOL_DB"] = url
    if workers > 1 and not os.environ.get("CAREPOOL_WEB_SECRET"):
        os.environ["CAREPOOL_WEB_SECRET"] = secrets.token_urlsafe(32)   # one key for every worker
    plural = f" with {workers} workers" if workers > 1 else ""
    say(f"carepool web service on http://{host}:{port}/{plural} (Ctrl-C to stop)")
    # no "server: uvicorn" header: it names the software to an attacker
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="info",
                timeout_worker_healthcheck=HEALTHCHECK_SECONDS, server_header=False, proxy_headers=True,
                forwarded_allow_ips=str(proxy_options()["forwarded_allow_ips"]))


TRUSTED_PROXIES_ENV = "CAREPOOL_TRUSTED_PROXIES"


def proxy_options(env: Mapping[str, str] | None = None) -> dict[str, object]:
    """Whose X-Forwarded-For to believe: only the reverse proxies named in ``CAREPOOL_TRUSTED_PROXIES``
    (comma-separated addresses or networks; default 127.0.0.1, a proxy on the same machine).

    The client address the log-in limit counts is then the real client's behind the proxy, and
    a client that is not a trusted proxy cannot choose its own address by sending the header.
    """
    env = os.environ if env is None else env
    trusted = ",".join(part.strip() for part in env.get(TRUSTED_PROXIES_ENV, "127.0.0.1").split(",") if part.strip())
    return {"proxy_headers": True, "forwarded_allow_ips": trusted or "127.0.0.1"}
