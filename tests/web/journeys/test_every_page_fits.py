"""No page runs past the right edge: every page a national and a local person can reach, at 1280 px and 390 px.

The test follows links the way a person would (from the dashboard, through the header's
navigation, area pages and their sub-pages), so a page added later is checked without being
listed here. Downloads, the API and log-out are not pages; areas other than the two with plans
are left out (their pages are the same template), and each page's query-string variants are
limited to a few (page 2, a sort order). At each width the page's ``scrollWidth`` must not
exceed its ``clientWidth``; axe runs on every page at the phone width.

Tables fit by stacking, not by breaking words: every table is an NHS.UK responsive table whose
cells each carry their column's heading (templates/_table.html). At 390 px each visible table's
rows are displayed as blocks (cards of "heading: value") with the header row hidden; at 1280 px
they are table rows with the per-cell headings hidden. At both widths no word in a table is
broken across two lines.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from carepool.services import ledger, plans, sharing
from carepool.sharing.agreements import Agreement, Purpose
from carepool.sharing.objections import Objection
from carepool.store import sharing_tables
from carepool.store.db import Store
from tests.web.browser_support import DESKTOP, PHONE, check, overflow, person, serve
from tests.web.conftest import OTHER, OWN, YEAR, assure_plan

NOT_PAGES = (".csv", ".xlsx", ".beancount", ".json", ".png", ".svg", ".zip", ".parquet")
SKIP_PREFIXES = ("/api/", "/static/", "/logout", "/login", "/evidence")   # the evidence report: its own page, see below
VARIANTS_PER_PATH = 2
MAX_PAGES = 80


@pytest.fixture(scope="module")
def base_url(journey_store: Store, workbooks: dict[str, Path]) -> Iterator[str]:
    """Own area assured with its pooled-fund year posted and settled; the other area a draft; an
    agreement, an objection recorded and withdrawn and a share in the sharing register."""
    assure_plan(journey_store, workbooks["valid"])
    plans.import_workbook(journey_store, workbooks["other"], actor="setup")
    ledger.post_contributions(journey_store, YEAR)
    ledger.settle(journey_store, YEAR)
    _sharing_register(journey_store)
    with serve(journey_store) as url:
        yield url


def _sharing_register(store: Store) -> None:
    """Enough in the information governance pages that each of their tables has rows."""
    ig = "ig@england.test"
    sharing.add_agreement(store, Agreement("DSA-FIT-1", ("RR8", "00C"), Purpose.EVALUATION, "UK GDPR 6(1)(e)",
                                           frozenset({"nhs_number", "care_package"}), 90, date(2025, 4, 1),
                                           date(2099, 3, 31)), actor=ig)
    sharing.add_objection(store, Objection("9434765919", "RR8", date(2025, 4, 1)), actor=ig)
    sharing.add_objection(store, Objection("9434765870", "00C", date(2025, 5, 1)), actor=ig)
    sharing.withdraw_objection(store, "9434765870", date(2025, 6, 1), actor=ig, note="The person changed their mind.")
    with store.transaction() as session:
        sharing_tables.append_audit(session, at=datetime(2025, 7, 1, 9, 30, tzinfo=UTC), actor="mesh@rr8",
                                    action="share.send", agreement_id="DSA-FIT-1",
                                    subject="care_packages_2025_q1.csv: 2 rows sent, 1 withheld, to X26ABC2 (00C)")


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


# At the page's width, what is wrong with its tables: one line per problem (empty when all is well).
TABLE_PROBLEMS = r"""phone => {
  const problems = [];
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const text = el => el.textContent.replace(/\s+/g, ' ').trim();
  document.querySelectorAll('table').forEach((table, t) => {
    const name = 'table ' + (table.id ? '#' + table.id : t + 1);
    if (!table.classList.contains('nhsuk-table-responsive')) {
      problems.push(name + ': not nhsuk-table-responsive'); return;
    }
    const headings = [...table.querySelectorAll('thead th')].map(text);
    if (!headings.length || table.querySelectorAll('thead th:not([scope=col])').length)
      problems.push(name + ': no th scope=col');
    table.querySelectorAll('tbody tr, tfoot tr').forEach((row, r) => {
      let column = 0;
      [...row.cells].forEach(cell => {
        const span = cell.colSpan || 1;
        const heading = cell.querySelector(':scope > .nhsuk-table-responsive__heading');
        const rowHeader = cell.tagName === 'TH' && cell.getAttribute('scope') === 'row';
        const where = name + ' row ' + (r + 1);
        if (heading && text(heading) !== headings[column] && span === 1)
          problems.push(where + ': heading "' + text(heading) + '" under "' + headings[column] + '"');
        if (!heading && span === 1 && !rowHeader) problems.push(where + ': a cell without its heading');
        if (cell.tagName === 'TH' && !rowHeader) problems.push(where + ': th without scope=row');
        column += span;
      });
    });
    if (!visible(table)) return;
    const rows = [...table.querySelectorAll('tbody tr')].filter(visible);
    const display = rows.map(row => getComputedStyle(row).display);
    const headingShown = [...table.querySelectorAll('.nhsuk-table-responsive__heading')]
      .map(h => getComputedStyle(h).display !== 'none');
    const headRow = table.querySelector('thead').getBoundingClientRect();
    if (phone) {
      if (display.some(d => d !== 'block')) problems.push(name + ': rows not stacked at the phone width');
      if (headingShown.some(shown => !shown)) problems.push(name + ': cell headings hidden at the phone width');
      if (headRow.height > 1) problems.push(name + ': header row shown at the phone width');
    } else {
      if (display.some(d => d !== 'table-row')) problems.push(name + ': rows not table rows at the desktop width');
      if (headingShown.some(shown => shown)) problems.push(name + ': cell headings shown at the desktop width');
    }
    // no word broken across lines: each run of letters and digits lies on one line
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || !visible(node.parentElement)) continue;
      for (const m of node.data.matchAll(/[^\s\-\u2010-\u2015\/]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
        if (tops.size > 1) problems.push(name + ': "' + m[0] + '" broken across ' + tops.size + ' lines');
      }
    }
  });
  return problems;
}"""


def _table_problems(page: Page, phone: bool) -> list[str]:
    problems: list[str] = page.evaluate(TABLE_PROBLEMS, phone)
    return problems


def _tables_seen(page: Page) -> int:
    return int(page.evaluate("() => [...document.querySelectorAll('table')].filter(t => t.getClientRects().length)"
                             ".length"))


def test_the_overflow_measure_sees_a_page_wider_than_the_viewport(browser: Browser, base_url: str) -> None:
    """The check below can fail: a page given something wider than the phone reports it."""
    page = person(browser, base_url, "assurer", viewport=PHONE)
    assert overflow(page) <= 0
    page.evaluate("() => { const d = document.createElement('div'); d.style.width = '600px'; d.style.height = '1px';"
                  " document.querySelector('main').appendChild(d); }")
    assert overflow(page) > 100
    page.context.close()


Found = dict[str, tuple[int, int]]


def _crawl(browser: Browser, base_url: str, key: str, shots: Path) -> tuple[Found, dict[str, list[str]], int]:
    """Every reachable page -> (overflow at 1280 px, overflow at 390 px); axe-checked at 390 px.
    Also each page's table problems at either width, and how many visible tables were checked."""
    page = person(browser, base_url, key, viewport=DESKTOP)
    start = ["/", "/?page=2"]       # the dashboard and its second page (when it has one)
    seen: set[str] = set(start)
    variants: dict[str, int] = {"/": 1}
    queue: deque[str] = deque(start)
    found: Found = {}
    table_problems: dict[str, list[str]] = {}
    tables = 0
    while queue and len(found) < MAX_PAGES:
        target = queue.popleft()
        page.set_viewport_size(DESKTOP)
        response = page.goto(target)
        assert response is not None and response.status < 500, f"{key} {target}: {response and response.status}"
        if response.status >= 400 or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        wide = overflow(page)
        problems = [f"1280 px: {p}" for p in _table_problems(page, phone=False)]
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
        problems += [f"390 px: {p}" for p in _table_problems(page, phone=True)]
        tables += _tables_seen(page)
        if problems:
            table_problems[target] = problems
        if narrow <= 0:   # overflow is reported below for every page at once; axe wants a laid-out page
            slug = target.strip("/").replace("/", "-").replace("?", "-")[:60] or "dashboard"
            name = f"{key}-{len(found):02d}-{slug}"
            check(page, shots, name)
    page.context.close()
    return found, table_problems, tables


@pytest.mark.parametrize(("key", "must_reach"), [
    ("assurer", {"/", f"/areas/{OWN}", f"/areas/{OTHER}", f"/areas/{OWN}/history", "/scorecard", "/scenarios",
                 "/programmes/compare", f"/areas/{OWN}/performance", f"/areas/{OWN}/ledger/year-end", "/money",
                 f"/areas/{OWN}/money", "/map", "/goals", f"/areas/{OWN}/ledger/statements",
                 f"/areas/{OWN}/ledger/periods", f"/areas/{OWN}/ledger/settlement", f"/areas/{OWN}/ledger/risk-share"}),
    ("la_lead", {"/", f"/areas/{OWN}", f"/areas/{OWN}/upload", f"/areas/{OWN}/plan/edit",
                 f"/areas/{OWN}/returns", "/scorecard", "/scenarios"}),
    ("ig_lead", {"/sharing", "/sharing/agreements", "/sharing/agreements/DSA-FIT-1", "/sharing/objections",
                 "/sharing/shares", "/sharing/datasets", "/audit"}),
    ("admin", {"/admin/users"}),
])
def test_every_reachable_page_fits_at_1280_and_390_px(browser: Browser, base_url: str, shots: Path, key: str,
                                                       must_reach: set[str]) -> None:
    found, table_problems, tables = _crawl(browser, base_url, key, shots)
    assert must_reach <= set(found), f"{key} did not reach {sorted(must_reach - set(found))}"
    assert any("page=2" in p for p in found) or key != "assurer", "the dashboard's second page was checked"
    too_wide = {p: o for p, o in found.items() if o[0] > 0 or o[1] > 0}
    assert too_wide == {}, f"{key}: pages wider than the viewport (px over at 1280, 390): {too_wide}"
    assert tables > 0, f"{key}: no visible table was checked"
    assert table_problems == {}, f"{key}: tables that do not stack, or break words: {table_problems}"


def test_the_table_check_sees_a_table_that_does_not_stack(browser: Browser, base_url: str) -> None:
    """The checks above can fail: a plain table of long words, squeezed the way the old CSS did, is
    reported as unstacked and as breaking words at the phone width."""
    page = person(browser, base_url, "assurer", viewport=PHONE)
    assert _table_problems(page, phone=True) == []
    page.evaluate("""() => {
      const t = document.createElement('table'); t.className = 'nhsuk-table'; t.id = 'plain';
      t.innerHTML = '<thead><tr><th scope="col">Ref</th><th scope="col">What</th></tr></thead>'
        + '<tbody class="nhsuk-table__body"><tr class="nhsuk-table__row"><td class="nhsuk-table__cell">S1</td>'
        + '<td class="nhsuk-table__cell">Reablementandrehabilitationservicesforolderpeopleathome</td></tr></tbody>';
      t.querySelectorAll('td').forEach(td => td.style.overflowWrap = 'anywhere');
      document.querySelector('main').appendChild(t);
    }""")
    problems = _table_problems(page, phone=True)
    assert problems == ["table #plain: not nhsuk-table-responsive"]
    page.evaluate("() => document.querySelector('#plain').className = 'nhsuk-table-responsive'")
    problems = _table_problems(page, phone=True)
    assert any("a cell without its heading" in p for p in problems), problems
    assert any("broken across" in p for p in problems), problems
    page.context.close()
