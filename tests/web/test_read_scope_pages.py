"""A page that only reads asks the store each repeated question once; a write is seen at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import event

from carepool.store.db import Store
from tests.web.conftest import OWN, log_in


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", note)


def test_the_dashboard_reads_the_store_version_and_years_once(client: TestClient, web_store: Store) -> None:
    log_in(client, "analyst@england.test")
    assert client.get("/").status_code == 200           # the cached views are filled
    with statements(web_store) as seen:
        assert client.get("/").status_code == 200
    versions = [s for s in seen if re.search(r"max\(plan_events\.id\)", s)]
    years = [s for s in seen if re.search(r"DISTINCT plans\.year", s)]
    assert len(versions) == 1, seen                     # was three (one per cached view on the page)
    assert len(years) == 1, seen                        # was two (the year choice and the default year)
    assert len(seen) <= 5, seen


def test_the_area_page_reads_each_question_once(client: TestClient, web_store: Store) -> None:
    log_in(client, "analyst@england.test")
    assert client.get(f"/areas/{OWN}").status_code == 200
    with statements(web_store) as seen:
        assert client.get(f"/areas/{OWN}").status_code == 200
    years = [s for s in seen if re.search(r"DISTINCT plans\.year", s)]
    assert len(years) == 1 and len(seen) <= 5, seen
