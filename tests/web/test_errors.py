"""One error shape: a JSON form for /api, a helpful page for people, and never a stack trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from carepool.errors import ConfigurationError
from carepool.store.db import Store
from carepool.web import create_app
from carepool.web.errors import SAFE_500
from tests.web.conftest import BY_KEY, log_in, settings

SECRET = "s3cr3t-internal-detail"


@pytest.fixture
def app(web_store: Store) -> FastAPI:
    app = create_app("unused://", settings=settings(), store=web_store)

    def boom() -> None:
        raise RuntimeError(SECRET)

    def misconfigured() -> None:
        raise ConfigurationError(f"password for {SECRET} is wrong")

    for prefix in ("/api", ""):
        app.add_api_route(f"{prefix}/boom", boom)
        app.add_api_route(f"{prefix}/misconfigured", misconfigured)
    return app


@pytest.fixture
def signed_in(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        log_in(client, BY_KEY["analyst"].email)
        yield client


def _shape(body: dict[str, object]) -> dict[str, object]:
    assert list(body) == ["error"]
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"status", "title", "detail", "findings"}
    assert isinstance(error["title"], str) and isinstance(error["detail"], str)
    assert isinstance(error["findings"], list)
    return error


@pytest.mark.parametrize(("path", "status"), [
    ("/api/areas/NOPE", 404),
    ("/api/no-such-route", 404),
    ("/api/areas?sort=shoe-size", 422),
    ("/api/boom", 500),
    ("/api/misconfigured", 500),
])
def test_api_errors_have_one_json_shape(signed_in: TestClient, path: str, status: int) -> None:
    response = signed_in.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = _shape(response.json())
    assert error["status"] == status
    assert SECRET not in response.text and "Traceback" not in response.text


def test_invalid_parameters_come_back_as_findings(signed_in: TestClient) -> None:
    error = _shape(signed_in.get("/api/areas?order=sideways").json())
    assert [f["location"]["field"] for f in error["findings"]] == ["query.order"]


def test_an_unexpected_exception_gets_the_safe_message_on_pages_and_api(signed_in: TestClient) -> None:
    api = signed_in.get("/api/boom").json()["error"]
    assert api == {"status": 500, "title": "Sorry, there is a problem with the service", "detail": SAFE_500,
                   "findings": []}
    page = signed_in.get("/boom")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert SAFE_500 in page.text and SECRET not in page.text and "Traceback" not in page.text
    assert 'class="nhsuk-header"' in page.text


def test_pages_show_carepool_errors_as_helpful_pages(signed_in: TestClient) -> None:
    missing = signed_in.get("/areas/NOPE")
    assert missing.status_code == 404 and "is not a Health and Wellbeing Board area code" in missing.text
    bad_sort = signed_in.get("/?sort=shoe-size")
    assert bad_sort.status_code == 422 and "cannot sort by" in bad_sort.text
    assert bad_sort.headers["content-type"].startswith("text/html")


def test_a_local_user_is_refused_another_areas_page_with_403(app: FastAPI) -> None:
    with TestClient(app) as client:
        log_in(client, BY_KEY["local_auditor"].email)
        api = client.get("/api/areas/E08000019")
        assert api.status_code == 403 and _shape(api.json())["status"] == 403
        page = client.get("/areas/E08000019")
        assert page.status_code == 403 and "Not allowed" in page.text
