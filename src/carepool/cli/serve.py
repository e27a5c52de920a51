"""`carepool serve`: run the web service (uvicorn) on the store, SQLite by default.

The CLI never imports the web package (ARCHITECTURE.md): uvicorn loads the app by name,
through ``carepool.web.app:app_from_environment``, with the store URL in ``CAREPOOL_DB``.
The store is opened here first, so a bad ``--db`` is reported plainly before serving.
"""

from __future__ import annotations

import os

import typer

from carepool.cli.common import DB_OPTION, console, db_url, handled
from carepool.store.db import open_store

COMMAND_NAME = "serve"
APP_FACTORY = "carepool.web.app:app_from_environment"


def command(db: str | None = DB_OPTION,
            port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
            host: str = typer.Option("127.0.0.1", "--host",
                                     help="Address to listen on (loopback by default).")) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /api/openapi.json)."""
    import uvicorn

    url = db_url(db)
    with handled():
        open_store(url).dispose()   # create or upgrade the schema, or fail with a plain message
    os.environ["CAREPOOL_DB"] = url
    console.print(f"carepool web service on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level="info")
