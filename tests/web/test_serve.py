"""`carepool serve` runs the app with uvicorn on loopback, on the store it is given."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CAREPOOL_WEB_SECRET": "serve-test-secret-" + "y" * 20}
    server = subprocess.Popen([sys.executable, "-m", "carepool.cli.main", "serve", "--db", str(tmp_path / "s.db"),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=False, timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0].decode()
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 200 and "Log in to carepool" in login.text
        assert (tmp_path / "s.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
