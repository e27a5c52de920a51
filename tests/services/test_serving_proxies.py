"""Behind a reverse proxy only the trusted proxies' X-Forwarded-For is believed (issue 16 item 13),
so the per-address log-in limit counts real clients and a client cannot pick its own address."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from carepool.services.serving import proxy_options


def _seen(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.client.host if request.client else "")


def _client(options: dict[str, object], peer: str) -> TestClient:
    """The app as uvicorn wraps it with these options (its proxy-headers middleware)."""
    app = ProxyHeadersMiddleware(Starlette(routes=[Route("/", _seen)]),
                                 trusted_hosts=str(options["forwarded_allow_ips"]))
    return TestClient(app, client=(peer, 40000))


def test_only_the_configured_proxies_may_name_the_client() -> None:
    options = proxy_options({"CAREPOOL_TRUSTED_PROXIES": " 10.0.0.5 , 10.0.1.0/24 "})
    assert options == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5,10.0.1.0/24"}
    forwarded = {"x-forwarded-for": "198.51.100.23"}
    assert _client(options, "10.0.0.5").get("/", headers=forwarded).text == "198.51.100.23"
    assert _client(options, "10.0.1.77").get("/", headers=forwarded).text == "198.51.100.23"
    assert _client(options, "203.0.113.9").get("/", headers=forwarded).text == "203.0.113.9", \
        "a client that is not a trusted proxy cannot choose its address"
    default = proxy_options({})
    assert default["forwarded_allow_ips"] == "127.0.0.1"
    assert _client(default, "203.0.113.9").get("/", headers=forwarded).text == "203.0.113.9"
