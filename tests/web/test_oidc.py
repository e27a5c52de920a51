"""OpenID Connect log-in against a small identity provider served on loopback by the test.

The provider is real HTTP (uvicorn) with its own RSA key, discovery document, JWKS, PKCE check
and signed ID tokens; ``idp`` settings let a test make it misbehave (wrong nonce, rogue key).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, csrf_of, log_in, settings
from tests.web.live import free_port, serving

CLIENT_ID, CLIENT_SECRET = "carepool-test", "client-secret-for-tests"


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.issuer = ""
        self.email = BY_KEY["la_lead"].email
        self.wrong_nonce = False
        self.sign_with_rogue_key = False
        self.email_verified: object = True   # None: the claim left out
        self.end_session = True          # advertise end_session_endpoint (RP-initiated logout)
        self.codes: dict[str, dict[str, str]] = {}
        self.issued: list[str] = []      # ID tokens handed out
        self.logouts: list[dict[str, str]] = []

    def app(self) -> Starlette:
        async def discovery(_: Request) -> JSONResponse:
            found = {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                     "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks"}
            if self.end_session:
                found["end_session_endpoint"] = f"{self.issuer}/logout"
            return JSONResponse(found)

        async def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            assert q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"], "redirect": q["redirect_uri"]}
            return RedirectResponse(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 302)

        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            grant = self.codes.pop(str(form["code"]), None)
            digest = hashlib.sha256(str(form["code_verifier"]).encode()).digest()
            if (grant is None or form["client_secret"] != CLIENT_SECRET or form["redirect_uri"] != grant["redirect"]
                    or base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "person-1", "email": self.email, "iat": now,
                      "exp": now + 300, "nonce": "not-yours" if self.wrong_nonce else grant["nonce"]}
            if self.email_verified is not None:
                claims["email_verified"] = self.email_verified
            key = self.rogue if self.sign_with_rogue_key else self.key
            self.issued.append(jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"}))
            return JSONResponse({"id_token": self.issued[-1], "token_type": "Bearer", "access_token": "unused"})

        async def logout(request: Request) -> RedirectResponse:
            q = dict(request.query_params)
            hint = jwt.decode(q["id_token_hint"], self.key.public_key(), algorithms=["RS256"], audience=CLIENT_ID,
                              options={"verify_exp": False})
            self.logouts.append(q | {"sub": hint["sub"]})
            return RedirectResponse(q["post_logout_redirect_uri"], 302)

        async def jwks(_: Request) -> JSONResponse:
            public: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return JSONResponse({"keys": [public | {"kid": "k1", "use": "sig", "alg": "RS256"}]})

        return Starlette(routes=[Route("/.well-known/openid-configuration", discovery),
                                 Route("/authorize", authorize), Route("/token", token, methods=["POST"]),
                                 Route("/jwks", jwks), Route("/logout", logout)])


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    provider = Provider()
    port = free_port()
    provider.issuer = f"http://127.0.0.1:{port}"
    with serving(provider.app(), port=port):
        yield provider


@pytest.fixture
def client(web_store: Store, idp: Provider) -> Iterator[TestClient]:
    idp.email, idp.wrong_nonce, idp.sign_with_rogue_key = BY_KEY["la_lead"].email, False, False
    idp.end_session, idp.email_verified = True, True
    idp.logouts.clear()
    oidc = settings(oidc_issuer=idp.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET)
    with TestClient(create_app("unused://", settings=oidc, store=web_store)) as c:
        yield c


def _round_trip(client: TestClient) -> httpx.Response:
    """Start at carepool, let the provider approve, come back to the callback."""
    start = client.get("/login/oidc", follow_redirects=False)
    assert start.status_code == 303
    approved = httpx.get(start.headers["location"], follow_redirects=False)
    assert approved.status_code == 302
    return client.get(approved.headers["location"].removeprefix("http://testserver"), follow_redirects=False)


def test_the_login_page_offers_the_provider_and_a_round_trip_signs_the_person_in(client: TestClient) -> None:
    assert 'href="/login/oidc"' in client.get("/login").text
    done = _round_trip(client)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/api/me").json()["email"] == BY_KEY["la_lead"].email


@pytest.mark.parametrize("misbehaviour", ["unknown person", "wrong nonce", "rogue key", "forged state",
                                          "email not verified", "email_verified missing", "email_verified 'true'"])
def test_an_answer_that_cannot_be_trusted_signs_nobody_in(client: TestClient, idp: Provider,
                                                          misbehaviour: str) -> None:
    if misbehaviour == "unknown person":
        idp.email = "stranger@elsewhere.test"
    idp.wrong_nonce = misbehaviour == "wrong nonce"
    idp.sign_with_rogue_key = misbehaviour == "rogue key"
    idp.email_verified = {"email not verified": False, "email_verified missing": None,
                          "email_verified 'true'": "true"}.get(misbehaviour, True)
    if misbehaviour == "forged state":
        client.get("/login/oidc", follow_redirects=False)
        done = client.get("/login/oidc/callback?code=x&state=forged")
    else:
        done = _round_trip(client)
    assert done.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_a_forged_host_cannot_choose_where_the_provider_sends_people_back(client: TestClient) -> None:
    forged = client.get("/login/oidc", headers={"host": "evil.example"}, follow_redirects=False)
    assert forged.status_code == 400 and "location" not in forged.headers
    start = client.get("/login/oidc", follow_redirects=False)
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Flogin%2Foidc%2Fcallback" in start.headers["location"]


def test_without_configuration_there_is_no_provider_log_in(web_store: Store) -> None:
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as c:
        assert c.get("/login/oidc").status_code == 404
        assert "/login/oidc" not in c.get("/login").text


def test_log_out_after_a_provider_log_in_ends_the_providers_session_too(client: TestClient, idp: Provider) -> None:
    _round_trip(client)
    token = client.get("/api/me").json()["csrf_token"]
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/me").status_code == 401, "the carepool session has ended first"
    location = out.headers["location"]
    assert location.startswith(f"{idp.issuer}/logout?")
    back = httpx.get(location, follow_redirects=False)      # the person's browser goes to the provider
    assert back.status_code == 302 and back.headers["location"] == "http://testserver/login"
    (seen,) = idp.logouts
    assert seen["id_token_hint"] == idp.issued[-1], "the hint is the ID token of this log-in"
    assert seen["post_logout_redirect_uri"] == "http://testserver/login" and seen["client_id"] == CLIENT_ID
    assert client.get(back.headers["location"].removeprefix("http://testserver")).status_code == 200


def test_log_out_stays_local_without_an_end_session_endpoint_or_a_provider_log_in(
        client: TestClient, idp: Provider) -> None:
    log_in(client, BY_KEY["ccg_lead"].email)                 # a local password log-in
    out = client.post("/logout", data={"csrf_token": csrf_of(client, "/")}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    idp.end_session = False
    client.app.state.oidc_provider = None                    # as a fresh process would read it
    _round_trip(client)
    out = client.post("/logout", data={"csrf_token": client.get("/api/me").json()["csrf_token"]},
                      follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/api/me").status_code == 401 and idp.logouts == []


def test_the_post_logout_address_can_be_set(web_store: Store, idp: Provider) -> None:
    oidc = settings(oidc_issuer=idp.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
                    oidc_post_logout_url="https://carepool.example.nhs.uk/login")
    idp.end_session, idp.email, idp.wrong_nonce, idp.sign_with_rogue_key = True, BY_KEY["la_lead"].email, False, False
    with TestClient(create_app("unused://", settings=oidc, store=web_store)) as c:
        _round_trip(c)
        out = c.post("/logout", data={"csrf_token": c.get("/api/me").json()["csrf_token"]}, follow_redirects=False)
        assert "post_logout_redirect_uri=https%3A%2F%2Fcarepool.example.nhs.uk%2Flogin" in out.headers["location"]
