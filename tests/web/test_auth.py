"""Logging in and out, lock-out after repeated failures, session cookies and CSRF refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from carepool.errors import PermissionDenied
from carepool.services import users
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OWN, PASSWORD, TEST_HOSTS, csrf_of, log_in

LA = BY_KEY["la_lead"].email


def test_pages_need_a_session_and_the_api_answers_401(client: TestClient) -> None:
    page = client.get(f"/areas/{OWN}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/login?next=/areas/{OWN}"
    api = client.get("/api/me")
    assert api.status_code == 401
    assert api.json()["error"]["status"] == 401


def test_log_in_sets_a_hardened_cookie_and_log_out_ends_the_session(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"email": LA.upper(), "password": PASSWORD, "csrf_token": token,
                                           "next": f"/areas/{OWN}"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/areas/{OWN}"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/api/me").json()["email"] == LA
    assert csrf_of(client, "/") != token, "a log-in starts a new session with a new CSRF token"
    out = client.post("/logout", data={"csrf_token": csrf_of(client, "/")}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/me").status_code == 401


def test_log_in_never_redirects_off_the_site(client: TestClient) -> None:
    response = client.post("/login", data={"email": LA, "password": PASSWORD, "csrf_token": csrf_of(client),
                                           "next": "//evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client: TestClient) -> None:
    wrong = client.post("/login", data={"email": LA, "password": "nope-nope-nope", "csrf_token": csrf_of(client)})
    unknown = client.post("/login", data={"email": "who@x.test", "password": "nope-nope-nope",
                                          "csrf_token": csrf_of(client)})
    assert wrong.status_code == unknown.status_code == 401
    assert users.BAD_LOGIN.replace("'", "&#39;") in wrong.text and users.BAD_LOGIN.replace("'", "&#39;") in unknown.text
    assert client.get("/api/me").status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(client: TestClient) -> None:
    for _ in range(users.MAX_FAILURES):
        assert client.post("/login", data={"email": LA, "password": "wrong-password!",
                                           "csrf_token": csrf_of(client)}).status_code == 401
    locked = client.post("/login", data={"email": LA, "password": PASSWORD, "csrf_token": csrf_of(client)})
    assert locked.status_code == 401 and "locked" in locked.text
    assert client.get("/api/me").status_code == 401


def test_the_lock_lifts_after_the_lock_out_period(web_store: Store) -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(PermissionDenied):
            users.authenticate(web_store, LA, "wrong-password!", at=start)
    with pytest.raises(PermissionDenied, match="locked"):
        users.authenticate(web_store, LA, PASSWORD, at=start + users.LOCK_FOR - timedelta(seconds=1))
    assert users.authenticate(web_store, LA, PASSWORD, at=start + users.LOCK_FOR).email == LA


def test_a_success_resets_the_failure_count(web_store: Store) -> None:
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for _ in range(users.MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied):
            users.authenticate(web_store, LA, "wrong-password!", at=at)
    users.authenticate(web_store, LA, PASSWORD, at=at)
    with pytest.raises(PermissionDenied, match="not right"):
        users.authenticate(web_store, LA, "wrong-password!", at=at)
    assert users.authenticate(web_store, LA, PASSWORD, at=at).email == LA


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_form_without_the_sessions_csrf_token_is_refused(client: TestClient, token: str | None) -> None:
    data = {"email": LA, "password": PASSWORD} | ({"csrf_token": token} if token is not None else {})
    refused = client.post("/login", data=data)
    assert refused.status_code == 403
    assert client.get("/api/me").status_code == 401
    log_in(client, LA)
    out = client.post("/logout", data={} if token is None else {"csrf_token": token})
    assert out.status_code == 403
    assert client.get("/api/me").status_code == 200, "the refused log-out left the session alone"


def test_secure_cookies_by_setting(web_store: Store) -> None:
    from carepool.web import create_app
    from carepool.web.settings import WebSettings

    app = create_app("unused://", settings=WebSettings(secret_key="k" * 40, trusted_hosts=TEST_HOSTS,
                                                       warm_caches=False, secure_cookies=True),
                     store=web_store)
    with TestClient(app, base_url="https://testserver") as c:
        response = c.post("/login", data={"email": LA, "password": PASSWORD, "csrf_token": csrf_of(c)},
                          follow_redirects=False)
        assert response.status_code == 303
        assert "secure" in response.headers["set-cookie"].lower()


def test_pages_carry_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_copied_cookie_stops_working_after_log_out(client: TestClient, web_store: Store) -> None:
    log_in(client, LA)
    stolen = client.cookies.get("carepool_session")
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    client.cookies.set("carepool_session", str(stolen))
    assert client.get("/api/me").status_code == 401


def test_a_new_password_ends_existing_sessions(client: TestClient, web_store: Store) -> None:
    log_in(client, LA)
    users.set_password(web_store, LA, "another long password")
    assert client.get("/api/me").status_code == 401
    log_in(client, LA, "another long password")
    assert client.get("/api/me").json()["email"] == LA
