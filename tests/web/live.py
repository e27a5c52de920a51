"""A real uvicorn server on loopback, in a thread: for the browser tests, for a stand-in identity
provider, and for tests that need true concurrency.

TestClient runs one request at a time, so it cannot show whether one slow request holds up
another, and a browser needs a real address; these tests talk HTTP to this server instead.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from starlette.types import ASGIApp


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: ASGIApp, port: int | None = None, **options: object) -> Iterator[str]:
    """Serve ``app`` on loopback (on ``port``, else a free one) for the duration; yields the base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                            **options)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def first_answer(server: subprocess.Popen[bytes], url: str, seconds: float, **get: object) -> httpx.Response:
    """The first answer to GET ``url`` from a ``carepool serve`` (or ``demo --serve``) process started
    by the test: retried while it starts; fails with its output if it stops, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5, **get)  # type: ignore[arg-type]
        except httpx.TransportError:
            if server.poll() is not None:
                raise AssertionError(f"the server stopped before answering {url}:\n"
                                     + server.communicate()[0].decode()) from None
            assert time.monotonic() < deadline, f"the server did not answer {url} within {seconds:g} s"
            time.sleep(0.3)
