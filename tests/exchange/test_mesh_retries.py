"""Retries: a loopback proxy in front of the real mesh-sandbox fails the first requests with 503."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from carepool.errors import ConfigurationError
from carepool.exchange.mesh import receive, send_bytes
from tests.sharing.mesh_fixtures import empty_inboxes, mailbox, mesh_url

__all__ = ["empty_inboxes", "mesh_url"]


class FlakyProxy:
    """Answers 503 to the next ``failures`` requests, then forwards to the sandbox."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlparse(upstream)
        self.failures = 0
        self.failed = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                with proxy.lock:
                    fail = proxy.failures > 0
                    if fail:
                        proxy.failures -= 1
                        proxy.failed += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if fail:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def flaky(empty_inboxes: str) -> Iterator[FlakyProxy]:
    proxy = FlakyProxy(empty_inboxes)
    yield proxy
    proxy.close()


def test_transient_failures_are_retried_and_the_message_arrives(flaky: FlakyProxy, empty_inboxes: str,
                                                                tmp_path: Path) -> None:
    flaky.failures = 2
    sender = mailbox(flaky.url, "X26ABC1", max_retries=3, backoff=0.01)
    sent = send_bytes(sender, "X26ABC2", b"a,b\n1,2\n", "retry.csv")
    assert flaky.failed == 2
    got = receive(mailbox(empty_inboxes, "X26ABC2"), tmp_path / "in")
    assert [m.message_id for m in got] == [sent.message_id]


def test_persistent_failure_gives_up_with_a_clear_error(flaky: FlakyProxy) -> None:
    flaky.failures = 100
    sender = mailbox(flaky.url, "X26ABC1", max_retries=2, backoff=0.01)
    with pytest.raises(ConfigurationError, match="MESH"):
        send_bytes(sender, "X26ABC2", b"x", "x.csv")
    assert flaky.failed == 3  # the first try and two retries
