"""Schemathesis against the OpenAPI document: no server errors, no response that breaks the schema.

Runs in-process (ASGI transport) as a signed-in national analyst, so every area is reachable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, log_in
from tests.web.conftest import settings as web_settings


@pytest.fixture
def signed_in_app(web_store: Store) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    app = create_app("unused://", settings=web_settings(), store=web_store)
    with TestClient(app) as client:
        log_in(client, BY_KEY["analyst"].email)
        yield app, {"carepool_session": str(client.cookies.get("carepool_session"))}


def test_the_api_keeps_its_contract(signed_in_app: tuple[FastAPI, dict[str, str]]) -> None:
    """Every operation, with generated parameters, passes schemathesis' default checks.

    (schemathesis' pytest fixture loader does not work with this pytest, so each operation's
    strategy is run through hypothesis here.)
    """
    app, cookies = signed_in_app
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            case.call_and_validate(cookies=cookies)

        check()


def test_the_openapi_document_lists_the_api_and_its_error_shape(signed_in_app: tuple[FastAPI, dict[str, str]]) -> None:
    with TestClient(signed_in_app[0]) as client:
        document = client.get("/api/openapi.json").json()
    actions = {f"/api/areas/{{code}}/{a}" for a in ("sign-off", "hwb-sign-off", "submit", "assure")}
    assert set(document["paths"]) == {"/api/me", "/api/areas", "/api/areas/{code}"} | actions
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"status", "title", "detail", "findings"}
    for path in document["paths"].values():
        for operation in path.values():
            assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])
