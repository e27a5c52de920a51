"""`carepool serve` runs the app with uvicorn on loopback, on the store it is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.web.live import first_answer, free_port

WARM_WAIT = "2"    # seconds each server waits for its warm-up before opening the port


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    # serving is under test, not the warm-up (tests/web/test_warmup.py): the port opens after at most
    # WARM_WAIT seconds of warm-up, which on a busy 2-core machine can otherwise take a minute
    env = {**os.environ, "CAREPOOL_WEB_SECRET": "serve-test-secret-" + "y" * 20, "CAREPOOL_WEB_WARM_WAIT": WARM_WAIT}
    server = subprocess.Popen([sys.executable, "-m", "carepool.cli.main", "serve", "--db", str(tmp_path / "s.db"),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        response = first_answer(server, f"http://127.0.0.1:{port}/", 30, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
        login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 200 and "Log in to carepool" in login.text
        assert "server" not in login.headers, "the answer does not name the server software"
        assert login.headers["cache-control"] == "no-store"
        assert (tmp_path / "s.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_with_workers_shares_one_session_key(tmp_path: Path) -> None:
    """Two worker processes: a session made by one is honoured by the other (one signing key)."""
    import re

    from carepool.services import users
    from carepool.store.db import open_store

    db = tmp_path / "w.db"
    store = open_store(str(db))
    users.add_user(store, email="w@england.test", password="a long enough password", name="w",
                   org_code="NATIONAL", org_kind="national", role="analyst", areas=[])
    store.dispose()
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "CAREPOOL_WEB_SECRET"}, "CAREPOOL_WEB_WARM_WAIT": WARM_WAIT}
    server = subprocess.Popen([sys.executable, "-m", "carepool.cli.main", "serve", "--db", str(db),
                               "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        page = first_answer(server, f"{base}/login", 60)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        cookies = page.cookies
        done = httpx.post(f"{base}/login", cookies=cookies, timeout=10, data={
            "email": "w@england.test", "password": "a long enough password", "csrf_token": token.group(1)})
        assert done.status_code == 303, done.text
        session = done.cookies
        # each request on a new connection, so both workers answer some of them
        answers = [httpx.get(f"{base}/api/me", cookies=session, timeout=10).status_code for _ in range(24)]
        assert answers == [200] * 24
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "with 2 workers" in output
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2, output
