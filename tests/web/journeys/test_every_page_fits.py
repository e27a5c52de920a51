"""No page runs past the right edge: every page a national and a local person can reach, at 1280 px and 390 px.

The test follows links the way a person would (from the dashboard, through the header's
navigation, area pages and their sub-pages), so a page added later is checked without being
listed here. Downloads, the API and log-out are not pages; areas other than the two with plans
are left out (their pages are the same template), and each page's query-string variants are
limited to a few (page 2, a sort order). At each width the page's ``scrollWidth`` must not
exceed its ``clientWidth``; axe runs on every page at the phone width.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from carepool.services import ledger, plans
from carepool.store.db import Store
from tests.web.browser_support import DESKTOP, PHONE, check, overflow, person, serve
from tests.web.conftest import OTHER, OWN, YEAR, assure_plan

NOT_PAGES = (".csv", ".xlsx", ".beancount", ".json", ".png", ".svg", ".zip", ".parquet")
SKIP_PREFIXES = ("/api/", "/static/", "/logout", "/login", "/evidence")   # the evidence report: its own page, see below
VARIANTS_PER_PATH = 2
MAX_PAGES = 80


@pytest.fixture(scope="module")
def base_url(journey_store: Store, workbooks: dict[str, Path]) -> Iterator[str]:
    """Own area assured with its pooled-fund year posted and settled; the other area a draft."""
    assure_plan(journey_store, workbooks["valid"])
    plans.import_workbook(journey_store, workbooks["other"], actor="setup")
    ledger.post_contributions(journey_store, YEAR)
    ledger.settle(journey_store, YEAR)
    with serve(journey_store) as url:
        yield url


def _wanted(href: str, base_url: str) -> str | None:
    """The same-site page a link leads to (path and query), or None when it is not a page to check."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    path = parts.path or "/"
    if path.endswith(NOT_PAGES) or path.startswith(SKIP_PREFIXES):
        return None
    segments = path.split("/")
    if len(segments) > 2 and segments[1] == "areas" and segments[2] not in (OWN, OTHER):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _links(page: Page, base_url: str) -> list[str]:
    # SVG links (the tile map) have no string href: resolve the attribute
    script = "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href.split('#')[0])"
    hrefs: list[str] = page.eval_on_selector_all("a[href]", script)
    return [w for w in (_wanted(h, base_url) for h in hrefs) if w is not None]


def test_the_overflow_measure_sees_a_page_wider_than_the_viewport(browser: Browser, base_url: str) -> None:
    """The check below can fail: a page given something wider than the phone reports it."""
    page = person(browser, base_url, "assurer", viewport=PHONE)
    assert overflow(page) <= 0
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '600px'; d.style.height = '1px';"
                  " document.querySelector('main').appendChild(d); }")
    assert overflow(page) > 100
    page.context.close()


def _crawl(browser: Browser, base_url: str, key: str, shots: Path) -> dict[str, tuple[int, int]]:
    """Every reachable page -> (overflow at 1280 px, overflow at 390 px); axe-checked at 390 px."""
    page = person(browser, base_url, key, viewport=DESKTOP)
    start = ["/", "/?page=2"]       # the dashboard and its second page (when it has one)
    seen: set[str] = set(start)
    variants: dict[str, int] = {"/": 1}
    queue: deque[str] = deque(start)
    found: dict[str, tuple[int, int]] = {}
    while queue and len(found) < MAX_PAGES:
        target = queue.popleft()
        page.set_viewport_size(DESKTOP)
        response = page.goto(target)
        assert response is not None and response.status < 500, f"{key} {target}: {response and response.status}"
        if response.status >= 400 or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        wide = overflow(page)
        for link in _links(page, base_url):
            path = link.split("?")[0]
            if link in seen or (link != path and variants.get(path, 0) >= VARIANTS_PER_PATH):
                continue
            seen.add(link)
            if link != path:
                variants[path] = variants.get(path, 0) + 1
            queue.append(link)
        page.set_viewport_size(PHONE)
        page.goto(target)
        narrow = overflow(page)
        found[target] = (wide, narrow)
        if narrow <= 0:   # overflow is reported below for every page at once; axe wants a laid-out page
            slug = target.strip("/").replace("/", "-").replace("?", "-")[:60] or "dashboard"
            name = f"{key}-{len(found):02d}-{slug}"
            check(page, shots, name)
    page.context.close()
    return found


@pytest.mark.parametrize(("key", "must_reach"), [
    ("assurer", {"/", f"/areas/{OWN}", f"/areas/{OTHER}", f"/areas/{OWN}/history", "/scorecard", "/scenarios",
                 "/programmes/compare", f"/areas/{OWN}/performance", f"/areas/{OWN}/ledger/year-end", "/money",
                 f"/areas/{OWN}/money", "/map", "/goals"}),
    ("la_lead", {"/", f"/areas/{OWN}", f"/areas/{OWN}/upload", f"/areas/{OWN}/plan/edit",
                 f"/areas/{OWN}/returns", "/scorecard", "/scenarios"}),
])
def test_every_reachable_page_fits_at_1280_and_390_px(browser: Browser, base_url: str, shots: Path, key: str,
                                                       must_reach: set[str]) -> None:
    found = _crawl(browser, base_url, key, shots)
    assert must_reach <= set(found), f"{key} did not reach {sorted(must_reach - set(found))}"
    assert any("page=2" in p for p in found) or key == "la_lead", "the dashboard's second page was checked"
    too_wide = {p: o for p, o in found.items() if o[0] > 0 or o[1] > 0}
    assert too_wide == {}, f"{key}: pages wider than the viewport (px over at 1280, 390): {too_wide}"
