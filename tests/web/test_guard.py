"""The outer guard (issue 16, items 5 and 13): body limits before parsing, hosts, headers."""

from __future__ import annotations

import json
import select
import socket

from fastapi.testclient import TestClient

from carepool.store.db import Store
from carepool.web import create_app
from carepool.web.guard import HSTS, body_limit, host_allowed
from carepool.web.settings import LOCAL_HOSTS, from_environment
from tests.web.conftest import BY_KEY, OWN, log_in, settings
from tests.web.live import serving

MB = 1024 * 1024


def _raw_post(base: str, path: str, headers: dict[str, str], chunks: int, chunk: bytes) -> tuple[str, int]:
    """POST ``chunks`` pieces of ``chunk`` over a raw socket, stopping as soon as the server answers.

    Returns the answer (status line, headers and what came of the body) and the bytes sent.
    """
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall((head + "\r\n").encode())
    sent = 0
    sock.settimeout(2)
    answer = b""
    try:
        for _ in range(chunks):
            if select.select([sock], [], [], 0)[0]:
                answer = sock.recv(65536)
                break
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                break          # the server stopped reading: its answer is waiting
        sock.settimeout(10)
        while b"\r\n\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
        head_end = answer.index(b"\r\n\r\n") + 4
        length = int(next(line.split(b":")[1] for line in answer[:head_end].split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(answer) < head_end + length:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    finally:
        sock.close()
    return answer.decode("latin-1"), sent


def test_a_huge_anonymous_json_body_gets_413_before_it_is_read(web_store: Store) -> None:
    app = create_app("unused://", settings=settings(), store=web_store)
    with serving(app) as base:
        declared, sent = _raw_post(base, f"/api/areas/{OWN}/sign-off",
                                   {"Content-Type": "application/json", "Content-Length": str(200 * MB)},
                                   chunks=200 * 16, chunk=b"[" * 65536)
        assert declared.startswith("HTTP/1.1 413"), declared[:200]
        error = json.loads(declared.split("\r\n\r\n", 1)[1])["error"]
        assert error["status"] == 413 and "larger than this address accepts (1 MB)" in error["detail"]
        assert sent < 20 * MB, f"the client got to send {sent} bytes before the answer"
        # the same body streamed without a declared length is cut off at the limit
        chunked, sent = _raw_post(base, f"/api/areas/{OWN}/assure",
                                  {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                                  chunks=200 * 16, chunk=b"10000\r\n" + b"[" * 65536 + b"\r\n")
        assert chunked.startswith("HTTP/1.1 413"), chunked[:200]
        assert json.loads(chunked.split("\r\n\r\n", 1)[1])["error"]["status"] == 413
        assert sent < 20 * MB, f"the client got to send {sent} bytes before the answer"


def test_limits_are_per_route_uploads_get_the_larger_one(client: TestClient) -> None:
    settings_ = client.app.state.settings   # type: ignore[attr-defined]
    assert body_limit(settings_, "POST", f"/areas/{OWN}/upload") > settings_.max_upload_bytes
    assert body_limit(settings_, "POST", f"/api/areas/{OWN}/plan") > settings_.max_upload_bytes
    assert body_limit(settings_, "PUT", f"/api/areas/{OWN}/plan") == settings_.max_body_bytes == MB
    assert body_limit(settings_, "POST", "/login") == MB
    token = log_in(client, BY_KEY["la_lead"].email)
    two_mb = b"x" * (2 * MB)
    upload = client.post(f"/areas/{OWN}/upload", data={"csrf_token": token},
                         files={"workbook": ("plan.xlsx", two_mb)})
    assert upload.status_code == 422 and "larger than" not in upload.text   # read, then found not a workbook
    form = client.post("/login", data={"email": "x", "password": "y" * (2 * MB), "csrf_token": token})
    assert form.status_code == 413 and 'data-status="413"' in form.text
    api = client.put(f"/api/areas/{OWN}/plan", content=b"{" + two_mb + b"}",
                     headers={"content-type": "application/json", "x-csrf-token": token})
    assert api.status_code == 413 and api.json()["error"]["title"] == "Upload too large"


def test_every_page_api_answer_and_download_is_not_stored_but_static_assets_may_be(client: TestClient) -> None:
    assert client.get("/login").headers["cache-control"] == "no-store"
    log_in(client, BY_KEY["la_lead"].email)
    for path in ("/", f"/areas/{OWN}", "/api/me", f"/api/areas/{OWN}", "/dashboard.csv", "/no-such-page"):
        answer = client.get(path)
        assert answer.headers.get("cache-control") == "no-store", path
        assert answer.headers["x-frame-options"] == "DENY", path
    assert "no-store" not in client.get("/static/carepool.js").headers.get("cache-control", "")
    assert "strict-transport-security" not in client.get("/login").headers


def test_hsts_when_cookies_are_secure(web_store: Store) -> None:
    secure = create_app("unused://", settings=settings(secure_cookies=True), store=web_store)
    with TestClient(secure, base_url="https://testserver") as c:
        assert c.get("/login").headers["strict-transport-security"] == HSTS
        assert c.get("/api/me").headers["strict-transport-security"] == HSTS


def test_a_forged_host_is_refused_and_cannot_steer_a_redirect(client: TestClient) -> None:
    forged = client.get("/", headers={"host": "evil.example"}, follow_redirects=False)
    assert forged.status_code == 400 and "location" not in forged.headers
    assert "does not answer for that host name" in forged.text
    api = client.get("/api/me", headers={"host": "evil.example:443"})
    assert api.status_code == 400 and api.json()["error"]["status"] == 400
    assert client.get("/", headers={"host": "localhost:8000"}, follow_redirects=False).status_code == 303


def test_host_names_match_without_their_port_and_by_subdomain() -> None:
    assert host_allowed("LOCALHOST:8000", LOCAL_HOSTS) and host_allowed("[::1]:8000", LOCAL_HOSTS)
    assert host_allowed("127.0.0.1", LOCAL_HOSTS) and not host_allowed("127.0.0.2", LOCAL_HOSTS)
    assert not host_allowed("", LOCAL_HOSTS) and not host_allowed("localhost.evil.example", LOCAL_HOSTS)
    assert host_allowed("bcf.england.nhs.uk", ("*.nhs.uk",)) and not host_allowed("nhs.uk.evil", ("*.nhs.uk",))


def test_network_settings_come_from_the_environment() -> None:
    default = from_environment({})
    assert default.trusted_hosts == LOCAL_HOSTS
    assert (default.max_body_bytes, default.max_upload_bytes) == (MB, 10 * MB)
    set_ = from_environment({"CAREPOOL_WEB_TRUSTED_HOSTS": "bcf.example.nhs.uk, *.example.nhs.uk",
                             "CAREPOOL_WEB_MAX_BODY_BYTES": "2048", "CAREPOOL_WEB_MAX_UPLOAD_BYTES": "4096"})
    assert set_.trusted_hosts == ("bcf.example.nhs.uk", "*.example.nhs.uk")
    assert (set_.max_body_bytes, set_.max_upload_bytes) == (2048, 4096)



