"""Browser journeys, one file per role: Debian's Chromium driven by Playwright, on a PostgreSQL store.

Each journey logs in as one person of ``tests.web.conftest.PEOPLE`` and does that role's work
the way a person would, checking every page it opens with :func:`check`: a screenshot, axe-core
(no serious or critical violations) and no horizontal overflow at the viewport's width.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from psycopg import sql

from carepool.store.db import Store, open_store
from carepool.store.pg_local import LocalPostgres
from carepool.web import create_app
from tests.web.conftest import BY_KEY, PASSWORD, settings
from tests.web.live import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent.parent / "assets" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}



@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: add it to scripts/system-deps"
    assert AXE.exists(), "axe-core is missing: run scripts/web-assets"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = os.environ.get("CAREPOOL_TEST_ARTIFACTS")
    name = request.module.__name__.rsplit(".", 1)[-1]
    folder = Path(root) / "journeys" / name if root else tmp_path_factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def journey_store(local_pg: LocalPostgres, people_pg: str) -> Iterator[Store]:
    """A PostgreSQL database holding every person (copied from the people template), for one module."""
    name = f"j_{uuid.uuid4().hex[:16]}"
    with local_pg.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                        sql.Identifier(people_pg)))
    store = open_store(local_pg.url(name))
    try:
        yield store
    finally:
        store.dispose()
        local_pg.drop_database(name)


def serve(store: Store) -> Any:
    """The app on ``store`` on a free loopback port (a context manager yielding the base URL)."""
    return serving(create_app("unused://", settings=settings(), store=store))


def person(browser: Browser, base_url: str, key: str, viewport: dict[str, int] = DESKTOP) -> Page:
    """A fresh browser context logged in as ``key`` (a key of tests.web.conftest.PEOPLE)."""
    # bypass_csp only so the test can inject axe-core; the app's own pages need no inline script
    page = browser.new_context(base_url=base_url, bypass_csp=True, viewport=viewport).new_page()
    page.goto("/login")
    page.fill("#email", BY_KEY[key].email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base_url}/")
    return page


def check(page: Page, shots: Path, name: str) -> None:
    """Screenshot ``page``, assert axe finds nothing serious and nothing runs past the right edge."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page is {overflow} px wider than the viewport"
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"
