"""Browser journeys, one file per role: Debian's Chromium driven by Playwright, on a PostgreSQL store.

Each journey logs in as one person of ``tests.web.conftest.PEOPLE`` and does that role's work
the way a person would, checking every page it opens with
:func:`tests.web.browser_support.check`: a screenshot, axe-core (no serious or critical
violations), no horizontal overflow at the viewport's width and no request to another site.
The browser and its helpers are shared with every browser test (tests/web/conftest.py,
tests/web/browser_support.py); here is only the store a journey works on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carepool.store.db import Store
from carepool.store.pg_local import LocalPostgres
from tests.web.browser_support import serve
from tests.web.conftest import postgres_copy


@pytest.fixture(scope="module")
def journey_store(local_pg: LocalPostgres, people_pg: str) -> Iterator[Store]:
    """A PostgreSQL database holding every person (copied from the people template), for one module."""
    with postgres_copy(local_pg, people_pg, prefix="j") as store:
        yield store


@pytest.fixture(scope="module")
def base_url(journey_store: Store) -> Iterator[str]:
    """The app on the journey's store; a journey that needs more in the store first overrides this."""
    with serve(journey_store) as url:
        yield url
