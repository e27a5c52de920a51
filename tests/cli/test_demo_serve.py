"""The README's first command, as a person runs it: `carepool demo --serve` prepares the demo,
prints the log-ins and serves the web pages, which answer over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from carepool.demo.runner import STEPS
from carepool.store.pg_local import LocalPostgres


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_demo_serve_prepares_then_serves_the_home_page(tmp_path: Path, kind: str,
                                                       request: pytest.FixtureRequest) -> None:
    """On PostgreSQL too (issue 18): ``carepool demo --db URL --serve`` builds and serves from there."""
    port = _free_port()
    skip = [arg for name, _, _ in STEPS for arg in ("--skip", name)]   # plans only: the quickest demo
    db: list[str] = []
    if kind == "postgresql":
        server_pg: LocalPostgres = request.getfixturevalue("local_pg")
        db = ["--db", server_pg.create_database().replace("postgresql+psycopg://", "postgresql://")]
    server = subprocess.Popen(
        [sys.executable, "-m", "carepool.cli.main", "demo", "--out", str(tmp_path), "--seed", "5",
         "--serve", "--port", str(port), *skip, *db],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    output = ""
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                home = httpx.get(f"{base}/", follow_redirects=True, timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise AssertionError("the demo stopped before serving:\n"
                                         + server.communicate()[0].decode()) from None
                assert time.monotonic() < deadline, "the demo did not serve within 300 s"
                time.sleep(0.3)
        assert home.status_code == 200 and "Log in to carepool" in home.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
        assert token
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Demo log-ins" in output
    assert f"http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output and "TypeError" not in output, output
    if db:
        assert "(postgresql)" in output and "carepool-demo.db" not in output
        assert not (tmp_path / "carepool-demo.db").exists()
