"""Both objection forms (record, withdraw on a date) draw the kind radios from one include, each with its ids."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, log_in, settings


@pytest.fixture
def client(web_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as c:
        log_in(c, BY_KEY["ig_lead"].email)
        yield c


def test_each_form_has_its_own_kind_radios_with_local_checked(client: TestClient) -> None:
    page = client.get("/sharing/objections").text
    radio = r'<input class="nhsuk-radios__input" id="([\w-]+)" name="kind" type="radio" value="(\w+)"( checked)?'
    ids = re.findall(radio, page)
    assert ids == [("kind-local", "local", " checked"), ("kind-national_opt_out", "national_opt_out", ""),
                   ("withdraw-kind-local", "local", " checked"),
                   ("withdraw-kind-national_opt_out", "national_opt_out", "")]
    assert 'aria-describedby="kind-hint"' in page and 'aria-describedby="withdraw-kind-hint"' in page
    assert len(set(re.findall(r' id="([^"]+)"', page))) == len(re.findall(r' id="([^"]+)"', page)), "ids repeat"
