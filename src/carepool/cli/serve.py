"""`carepool serve`: run the web service (uvicorn) on the store, SQLite by default.

The CLI never imports the web package (ARCHITECTURE.md): uvicorn loads the app by name,
through ``carepool.web.app:app_from_environment``, with the store URL in ``CAREPOOL_DB``.
The store is opened here first, so a bad ``--db`` is reported plainly before serving.

``--workers N`` runs N uvicorn worker processes on the one port. Every worker must sign
session cookies with the same key, so when ``CAREPOOL_WEB_SECRET`` is unset one random key is
made here for all of them (sessions still end when the server restarts). Caches and the
per-address log-in throttle are per worker.
"""

from __future__ import annotations

import os
import secrets

import typer

from carepool.cli.common import DB_OPTION, console, db_url, handled
from carepool.store.db import open_store

COMMAND_NAME = "serve"
APP_FACTORY = "carepool.web.app:app_from_environment"
HEALTHCHECK_SECONDS = 60


def command(db: str | None = DB_OPTION,
            port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
            host: str = typer.Option("127.0.0.1", "--host",
                                     help="Address to listen on (loopback by default)."),
            workers: int = typer.Option(1, "--workers", min=1, max=64,
                                        help="Worker processes (uvicorn); each has its own caches.")) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /api/openapi.json)."""
    import uvicorn

    url = db_url(db)
    with handled():
        open_store(url).dispose()   # create or upgrade the schema, or fail with a plain message
    os.environ["CAREPOOL_DB"] = url
    if workers > 1 and not os.environ.get("CAREPOOL_WEB_SECRET"):
        os.environ["CAREPOOL_WEB_SECRET"] = secrets.token_urlsafe(32)   # one key for every worker
    plural = f" with {workers} workers" if workers > 1 else ""
    console.print(f"carepool web service on http://{host}:{port}/{plural} (Ctrl-C to stop)")
    # a worker re-imports the whole command line before it can answer the supervisor's health
    # check, which takes longer than uvicorn's default 5 s on a busy machine
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level="info",
                timeout_worker_healthcheck=HEALTHCHECK_SECONDS)
