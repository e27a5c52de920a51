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

from carepool.demo.runner import STEPS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serve_prepares_then_serves_the_home_page(tmp_path: Path) -> None:
    port = _free_port()
    skip = [arg for name, _, _ in STEPS for arg in ("--skip", name)]   # plans only: the quickest demo
    server = subprocess.Popen(
        [sys.executable, "-m", "carepool.cli.main", "demo", "--out", str(tmp_path), "--seed", "5",
         "--serve", "--port", str(port), *skip],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    output = ""
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                home = httpx.get(f"{base}/", follow_redirects=True, timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise AssertionError("the demo stopped before serving:\n"
                                         + server.communicate()[0].decode()) from None
                assert time.monotonic() < deadline, "the demo did not serve within 180 s"
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
