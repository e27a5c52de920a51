"""`carepool serve`: run the web service (uvicorn) on the store, SQLite by default.

The serving itself is one use case, `services.serving.serve`, which `carepool demo --serve`
calls too; see it for how workers share one session key.
"""

from __future__ import annotations

import typer

from carepool.cli.common import DB_OPTION, console, db_url, handled
from carepool.services.serving import MAX_WORKERS, serve

COMMAND_NAME = "serve"


def command(db: str | None = DB_OPTION,
            port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
            host: str = typer.Option("127.0.0.1", "--host",
                                     help="Address to listen on (loopback by default)."),
            workers: int = typer.Option(1, "--workers", min=1, max=MAX_WORKERS,
                                        help="Worker processes (uvicorn); each has its own caches.")) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /api/openapi.json)."""
    with handled():
        serve(db_url(db), host=host, port=port, workers=workers, say=console.print)
