"""The README's first command, as a person runs it: `carepool demo --serve` prepares the demo,
prints the log-ins and serves the web pages, which answer over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from carepool.demo.runner import STEPS
from carepool.store.pg_local import LocalPostgres
from tests.web.live import first_answer, free_port


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_demo_serve_prepares_then_serves_the_home_page(tmp_path: Path, kind: str,
                                                       request: pytest.FixtureRequest) -> None:
    """On PostgreSQL too (issue 18): ``carepool demo --db URL --serve`` builds and serves from there."""
    port = free_port()
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
        home = first_answer(server, f"{base}/", 300, follow_redirects=True)
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


def _login_row(lines: list[str], email: str) -> str:
    """The password printed beside ``email`` in the demo's log-in table."""
    for line in lines:
        cells = [c.strip() for c in re.split(r"[│|┃]", line) if c.strip()]
        if email in cells:
            return cells[cells.index(email) + 1]
    raise AssertionError(f"no log-in printed for {email}:\n" + "".join(lines))


def test_current_year_demo_serves_its_year_with_log_ins_for_its_roles(tmp_path: Path) -> None:
    """``carepool demo --year bcf-2025-26 --serve``: the 153 plans of the 2023 geography on the web,
    opening on 2025-26, with log-ins for North Yorkshire's council, its three ICBs and the board."""
    port = free_port()
    env = {**os.environ, "COLUMNS": "200", "CAREPOOL_WEB_WARM": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "carepool.cli.main", "demo", "--year", "bcf-2025-26", "--out", str(tmp_path),
         "--serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stdout.readline, "")),  # type: ignore[union-attr]
                              daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 400
        while not any("carepool web service on" in line for line in lines):
            assert server.poll() is None, "the demo stopped before serving:\n" + "".join(lines)
            assert time.monotonic() < deadline, "the demo did not serve within 400 s:\n" + "".join(lines)
            time.sleep(0.3)
        printed = "".join(lines)
        for role in ("partner_lead", "hwb_chair", "pool_manager", "national_assurer", "analyst"):
            assert role in printed
        for email in ("la-e06000065@demo.carepool.test", "icb-qoq@demo.carepool.test", "icb-qwo@demo.carepool.test",
                      "icb-qe1@demo.carepool.test", "hwb-chair@demo.carepool.test"):
            assert email in printed
        with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as web:
            while True:
                try:
                    login = web.get("/login")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not answer"
                    time.sleep(0.3)
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            assert token
            email = "la-e06000065@demo.carepool.test"
            home = web.post("/login", data={"email": email, "password": _login_row(lines, email),
                                            "csrf_token": token.group(1), "next": "/"})
            assert home.status_code == 200 and '<option value="bcf-2025-26" selected>' in home.text
            assert "North Yorkshire" in home.text
            area = web.get("/areas/E06000065")
            assert area.status_code == 200 and "Better Care Fund 2025-26" in area.text
            assert re.search(r'id="status">assured<', area.text), "the demo's plans are assured"
            assert "NHS Humber and North Yorkshire Integrated Care Board (QOQ) – signed off" in area.text
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    assert "Traceback" not in "".join(lines), "".join(lines)
