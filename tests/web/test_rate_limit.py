"""Failed log-ins are limited per client address, on top of each account's lock-out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from carepool.errors import ConfigurationError
from carepool.store.db import Store
from carepool.web import create_app
from carepool.web.settings import from_environment
from tests.web.conftest import BY_KEY, PASSWORD, csrf_of, settings

LIMIT = 3


def _app_client(web_store: Store, limit: int = LIMIT, window: int = 600) -> TestClient:
    limited = settings(login_ip_max_failures=limit, login_ip_window=window)
    return TestClient(create_app("unused://", settings=limited, store=web_store))


def _fail(client: TestClient, email: str, **kwargs: str) -> int:
    data = {"email": email, "password": "wrong-password!", "csrf_token": csrf_of(client)}
    return client.post("/login", data=data, **kwargs).status_code  # type: ignore[arg-type]


def test_defaults_are_twenty_failures_per_fifteen_minutes() -> None:
    configured = from_environment({})
    assert (configured.login_ip_max_failures, configured.login_ip_window) == (20, 900)
    custom = from_environment({"CAREPOOL_LOGIN_IP_MAX_FAILURES": "50", "CAREPOOL_LOGIN_IP_WINDOW_SECONDS": "60"})
    assert (custom.login_ip_max_failures, custom.login_ip_window) == (50, 60)
    with pytest.raises(ConfigurationError, match="CAREPOOL_LOGIN_IP_MAX_FAILURES"):
        from_environment({"CAREPOOL_LOGIN_IP_MAX_FAILURES": "0"})


def test_an_address_with_too_many_failures_gets_429_even_with_the_right_password(web_store: Store) -> None:
    with _app_client(web_store) as client:
        # failures spread over several accounts, so no account reaches its own lock-out
        emails = [BY_KEY[k].email for k in ("la_lead", "ccg_lead", "hwb_chair")]
        for email in emails:
            assert _fail(client, email) == 401
        page = client.post("/login", data={"email": BY_KEY["pool_manager"].email, "password": PASSWORD,
                                           "csrf_token": csrf_of(client)})
        assert page.status_code == 429
        assert 0 < int(page.headers["retry-after"]) <= 600
        assert "Too many failed log-ins" in page.text and "Wait 10 minutes" in page.text
        assert 'data-status="429"' in page.text
        assert client.get("/api/me").status_code == 401, "nobody was signed in"
        # a client that asks for JSON gets the one error shape
        answer = client.post("/login", data={"email": emails[0], "password": PASSWORD,
                                             "csrf_token": csrf_of(client)}, headers={"accept": "application/json"})
        assert answer.status_code == 429
        error = answer.json()["error"]
        assert error["status"] == 429 and error["title"] == "Too many failed log-ins" and error["findings"] == []
        assert "Wait 10 minutes" in error["detail"]


def test_successes_do_not_count_and_the_log_in_page_still_loads(web_store: Store) -> None:
    with _app_client(web_store) as client:
        for _ in range(LIMIT + 2):
            response = client.post("/login", data={"email": BY_KEY["la_lead"].email, "password": PASSWORD,
                                                    "csrf_token": csrf_of(client)}, follow_redirects=False)
            assert response.status_code == 303
            client.cookies.clear()
        for _ in range(LIMIT):          # successes used none of the address's failures
            assert _fail(client, BY_KEY["ccg_lead"].email) == 401
        assert _fail(client, BY_KEY["ccg_lead"].email) == 429
        assert client.get("/login").status_code == 200, "only log-in attempts are refused"


def test_the_limit_is_per_address_and_holds_across_apps_sharing_the_store(web_store: Store) -> None:
    """Two app instances on one store are two ``--workers``: the count is in the store, so it holds
    across them and across a restart (issue 18; issue 16 item 13)."""
    with _app_client(web_store) as first, _app_client(web_store) as second:
        assert _fail(first, "nobody@nowhere.test") == 401
        assert _fail(second, "nobody@nowhere.test") == 401
        assert _fail(first, "nobody@nowhere.test") == 401
        assert _fail(second, "nobody@nowhere.test") == 429, "the other worker's failures count"
        assert _fail(first, "nobody@nowhere.test") == 429
        other = TestClient(first.app, client=("203.0.113.9", 50000))
        assert other.post("/login", data={"email": BY_KEY["la_lead"].email, "password": PASSWORD,
                                          "csrf_token": csrf_of(other)}, follow_redirects=False).status_code == 303
    with _app_client(web_store) as restarted:      # a restart does not wipe the count
        assert _fail(restarted, "nobody@nowhere.test") == 429
