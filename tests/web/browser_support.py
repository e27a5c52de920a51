"""The one place for the browser tests' helpers: Debian's Chromium driven by Playwright, the app served
on a store, logging in as a person, and the page check every browser test makes.

``check`` is what "axe-clean and fits" means in every browser test: a screenshot, axe-core finding
nothing serious or critical, no horizontal overflow at the page's viewport, and no request to any
site but the app (no CDN). The ``browser`` and ``shots`` fixtures are in tests/web/conftest.py.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import Browser, Page

from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import AXE, BY_KEY, PASSWORD, settings
from tests.web.live import serving

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

_OFFSITE: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()   # per page: requests not to the app


def serve(store: Store, **setting: Any) -> AbstractContextManager[str]:
    """The app on ``store`` on a free loopback port (a context manager yielding the base URL);
    ``setting`` overrides the test settings, e.g. ``year="bcf-2023-25"``."""
    return serving(create_app("unused://", settings=settings(**setting), store=store))


def open_page(browser: Browser, base_url: str, *, viewport: dict[str, int] = DESKTOP,
              javascript: bool = True) -> Page:
    """A fresh browser context's page on the app, noting every request it makes elsewhere."""
    # bypass_csp only so the test can inject axe-core; the app's own pages need no inline script
    page = browser.new_context(base_url=base_url, bypass_csp=True, viewport=viewport,
                               java_script_enabled=javascript).new_page()
    offsite: list[str] = []
    _OFFSITE[page] = offsite
    page.on("request", lambda r: None if r.url.startswith(base_url) else offsite.append(r.url))
    return page


def submit_log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the log-in form, whatever the answer (see :func:`signed_in` for a good one)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Log in')")
    page.wait_for_load_state()


def signed_in(browser: Browser, base_url: str, email: str, *, viewport: dict[str, int] = DESKTOP,
              javascript: bool = True) -> Page:
    """A fresh page logged in as ``email`` (with the tests' password), on the dashboard."""
    page = open_page(browser, base_url, viewport=viewport, javascript=javascript)
    submit_log_in(page, email)
    page.wait_for_url(f"{base_url}/")
    return page


def person(browser: Browser, base_url: str, key: str, viewport: dict[str, int] = DESKTOP, *,
           javascript: bool = True) -> Page:
    """A fresh page logged in as ``key`` (a key of tests.web.conftest.PEOPLE)."""
    return signed_in(browser, base_url, BY_KEY[key].email, viewport=viewport, javascript=javascript)


def overflow(page: Page) -> int:
    """How many pixels the page runs past the right edge of its viewport (0 or less: it fits)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def requests_elsewhere(page: Page) -> list[str]:
    """The requests ``page`` made, since it was opened by :func:`open_page`, to anywhere but the app."""
    return list(_OFFSITE.get(page, []))


def check(page: Page, shots: Path, name: str) -> None:
    """Screenshot ``page``; assert nothing runs past the right edge, axe finds nothing serious and
    the page (since it was opened) asked no other site for anything."""
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    wider = overflow(page)
    assert wider <= 0, f"{name}: the page is {wider} px wider than the viewport"
    assert requests_elsewhere(page) == [], f"{name}: requests to other sites: {requests_elsewhere(page)}"
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["help"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"
