"""The dashboard in pages: pagination and sort links by query parameters, rounded amounts with the exact figure."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from carepool.reference import load_reference
from carepool.services import plans
from carepool.store.db import Store
from carepool.web import amounts
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, log_in

CODES = sorted(load_reference().areas)


def _codes(html: str) -> list[str]:
    return re.findall(r'data-area="(E\d+)"', html)


def _th(html: str, key: str) -> str:
    found = re.search(rf'<th [^>]*data-sort="{key}"[^>]*>.*?</th>', html, re.S)
    assert found, f"no header for {key}"
    return unescape(found.group(0))


def test_the_dashboard_shows_one_page_of_areas_with_numbered_page_links(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    first = client.get("/").text
    assert _codes(first) == CODES[:25]
    assert "151 areas, showing 1 to 25" in first
    nav = re.search(r'<nav class="nhsuk-pagination.*?</nav>', first, re.S)
    assert nav and 'aria-label="Page 1" aria-current="page"' in nav.group(0)
    assert 'rel="next"' in nav.group(0) and 'rel="prev"' not in nav.group(0)
    pages = (len(CODES) + 24) // 25
    assert f'aria-label="Page {pages}"' in nav.group(0)

    second = client.get("/", params={"page": 2}).text
    assert _codes(second) == CODES[25:50] and "showing 26 to 50" in second
    last = client.get("/", params={"page": pages}).text
    assert _codes(last) == CODES[(pages - 1) * 25:] and 'rel="next"' not in last
    assert _codes(client.get("/", params={"page": 999}).text) == _codes(last), "past the end: the last page"
    everything = client.get("/", params={"per_page": "all"}).text
    assert _codes(everything) == CODES and 'class="nhsuk-pagination' not in everything
    assert len(_codes(client.get("/", params={"per_page": "100"}).text)) == 100


def test_page_links_keep_the_filters_and_sort(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    page = unescape(client.get("/", params={"status": "no plan", "sort": "name", "order": "desc",
                                            "per_page": "50"}).text)
    link = re.search(r'href="(/\?[^"]*page=2[^"]*)"', page)
    assert link
    query = parse_qs(urlsplit(link.group(1)).query)
    assert query == {"status": ["no plan"], "sort": ["name"], "order": ["desc"], "per_page": ["50"], "page": ["2"]}
    names = [load_reference().areas[c].name for c in _codes(client.get(link.group(1)).text)]
    assert len(names) == 50 and names == sorted(names, reverse=True)


def test_bad_page_and_page_size_are_refused_with_a_message(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    bad_size = client.get("/", params={"per_page": "5000"})
    assert bad_size.status_code == 422 and "rows per page" in bad_size.text
    assert client.get("/", params={"page": 0}).status_code == 422


def test_column_headers_are_sort_links_with_aria_sort(client: TestClient, web_store: Store,
                                                      workbooks: dict[str, Path]) -> None:
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    log_in(client, BY_KEY["assurer"].email)
    plain = client.get("/").text
    assert all('aria-sort="none"' in _th(plain, k) for k in ("name", "status", "pooled", "spend"))
    pool = _th(plain, "pooled")
    href = re.search(r'href="([^"]+)"', pool)
    assert href and parse_qs(urlsplit(href.group(1)).query) == {"sort": ["pooled"], "order": ["desc"], "page": ["1"]}

    by_pool = client.get(href.group(1)).text
    assert _codes(by_pool)[0] == OWN, "the only pool is the largest"
    header = _th(by_pool, "pooled")
    assert 'aria-sort="descending"' in header and "order=asc" in header
    assert 'aria-sort="none"' in _th(by_pool, "name")
    assert "sorted by Pool (descending)" in by_pool
    by_name = client.get("/", params={"sort": "name", "order": "asc"}).text
    assert 'aria-sort="ascending"' in _th(by_name, "name")


def test_amounts_are_rounded_with_the_exact_figure_beside_them(client: TestClient, web_store: Store,
                                                               workbooks: dict[str, Path]) -> None:
    record = plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    plans.import_workbook(web_store, workbooks["other"], actor="setup")
    pooled = record.plan.pooled_total.pence
    other = plans.get_plan(web_store, OTHER, YEAR).plan.pooled_total.pence
    log_in(client, BY_KEY["assurer"].email)
    page = unescape(client.get("/", params={"q": OWN}).text)
    row = re.search(rf'data-area="{OWN}">.*?</tr>', page, re.S)
    assert row
    cell = re.search(r'<td class="[^"]*pooled">(.*?)</td>', row.group(0), re.S)
    assert cell and f'title="{amounts.exact(pooled)}"' in cell.group(1)
    assert f">{amounts.short(pooled)}<" in cell.group(1) and amounts.short(pooled).endswith("m")
    assert amounts.exact(pooled) not in re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>|title="[^"]*"', "",
                                               cell.group(1)), "the visible figure is the rounded one"
    both = unescape(client.get("/", params={"status": "draft"}).text)
    exact = re.search(r'data-total="pooled">([^<]+)<', both)
    assert exact and exact.group(1) == amounts.exact(pooled + other)
    assert f"pooled <span class=\"carepool-amount\" title=\"{amounts.exact(pooled + other)}\"" in both
