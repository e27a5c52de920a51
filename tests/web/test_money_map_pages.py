"""Pictures: where the money goes (area and England, by stream, partner and scheme) and the tile map of areas."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from carepool.reference import load_reference
from carepool.services import dashboard, plans
from carepool.store.db import Store
from carepool.web import amounts
from tests.web.conftest import BY_KEY, OTHER, OWN, log_in
from tests.web.tables import values_only


def _section(html: str, chart_id: str) -> str:
    found = re.search(rf'<section class="carepool-chart" id="{chart_id}">.*?</section>', html, re.S)
    assert found, chart_id
    return unescape(found.group(0))


def _pounds(text: str) -> Decimal:
    body = text.replace("£", "").replace(",", "")
    scale = {"m": Decimal(1_000_000), "k": Decimal(1000)}.get(body[-1], Decimal(1))
    return Decimal(body.rstrip("mk")) * scale


def test_an_areas_money_by_stream_partner_and_scheme_adds_up_exactly_and_as_shown(client: TestClient,
                                                                                   web_store: Store,
                                                                                   workbooks: dict[str, Path]) -> None:
    plan = plans.import_workbook(web_store, workbooks["valid"], actor="setup").plan
    log_in(client, BY_KEY["la_lead"].email)
    assert f'href="/areas/{OWN}/money"' in client.get(f"/areas/{OWN}").text
    page = client.get(f"/areas/{OWN}/money")
    assert page.status_code == 200 and "<script" not in page.text.split("<main", 1)[1].split("</main>")[0]
    streams = values_only(_section(page.text, "by-stream"))
    expected: dict[str, int] = {}
    for line in plan.funding:
        expected[line.stream] = expected.get(line.stream, 0) + line.amount.pence
    table = dict(re.findall(r'<tr class="nhsuk-table__row" data-key="([\w-]+)"><td[^>]*>[^<]*</td>'
                            r'<td[^>]*>([^<]+)</td>', streams))
    assert table == {k: amounts.exact(v) for k, v in expected.items()}, "every stream to the penny"
    shown = re.findall(r'<g class="bar" data-key="[\w-]+">.*?<text[^>]*>[^<]*</text>.*?<text[^>]*>([^<]+)</text>',
                       streams, re.S)
    assert len(shown) == min(len(expected), 9)
    total = plan.pooled_total.pence
    assert f"{amounts.shown_parts(sorted(expected.values(), reverse=True))[1]} in all" in streams
    assert sum(_pounds(s) for s in shown) == _pounds(amounts.shown_parts(list(expected.values()))[1])
    assert f"exactly {amounts.exact(total)}" in streams and 'role="img"' in streams
    partners = _section(page.text, "by-partner")
    assert all(p.name in partners for p in plan.partners if any(f.contributor == p.code for f in plan.funding))
    schemes = _section(page.text, "by-scheme")
    assert plan.schemes[0].ref in schemes
    assert client.get(f"/areas/{OTHER}/money").status_code == 403


def test_englands_money_sums_every_visible_plan_and_says_when_an_area_has_none(client: TestClient,
                                                                               web_store: Store,
                                                                               workbooks: dict[str, Path]) -> None:
    own = plans.import_workbook(web_store, workbooks["valid"], actor="setup").plan.pooled_total.pence
    other = plans.import_workbook(web_store, workbooks["other"], actor="setup").plan.pooled_total.pence
    log_in(client, BY_KEY["analyst"].email)
    england = unescape(client.get("/money").text)
    assert "2 areas with a plan" in england and f"exactly {amounts.exact(own + other)}" in england
    kinds = _section(england, "by-partner")
    assert "Clinical commissioning groups" in kinds and "Councils (upper tier)" in kinds
    assert "no plan" not in client.get(f"/areas/{OWN}/money").text
    local = TestClient(client.app)
    log_in(local, BY_KEY["hwb_chair"].email)
    mine = unescape(local.get("/money").text)
    assert "1 area with a plan" in mine and f"exactly {amounts.exact(own)}" in mine
    plans_gone = TestClient(client.app)
    log_in(plans_gone, BY_KEY["assurer"].email)
    assert 'id="no-plan"' in plans_gone.get("/areas/E06000001/money").text


def test_the_tile_map_colours_every_area_by_its_variation_with_a_legend_and_a_table(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    for metric in ("admissions", "delayed"):
        page = unescape(client.get("/map", params={"metric": metric}).text)
        icons = dashboard.area_variations()[metric]
        tiles = re.findall(r'<a href="/areas/(E\d+)" data-area="\1" aria-label="[^"]+">\s*'
                           r'<rect [^>]*fill="(#\w+)" data-icon="(\w+)">', page)
        assert len(tiles) == len(load_reference().areas) == 151
        assert all(icon == icons.get(code, dashboard.NO_DATA) for code, _, icon in tiles)
        legend = dict(re.findall(r'<li data-icon="(\w+)">.*?: (\d+)</li>', page))
        assert sum(int(n) for n in legend.values()) == 151
        assert {i: int(n) for i, n in legend.items()} == {i: sum(1 for c, _, t in tiles if t == i) for i in legend}
        table = re.findall(r'<tr class="nhsuk-table__row" data-area="(E\d+)">', page)
        assert sorted(table) == sorted(load_reference().areas)
        assert "not drawn to geography" in page
    assert client.get("/map", params={"metric": "shoe-size"}).status_code == 422


def test_a_local_user_sees_the_map_but_only_their_own_area_is_a_link(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    page = client.get("/map").text
    assert re.findall(r'<a href="/areas/(E\d+)" data-area', page) == [OWN]
    assert page.count("<rect ") == 151


def test_the_header_names_who_is_logged_in_and_marks_the_current_page(client: TestClient) -> None:
    log_in(client, BY_KEY["admin"].email)
    page = client.get("/money").text
    account = re.search(r'<nav class="nhsuk-header__account".*?</nav>', page, re.S)
    assert account and BY_KEY["admin"].email in account.group(0) and "Administrator · NATIONAL" in account.group(0)
    assert 'action="/logout"' in account.group(0) and 'name="csrf_token"' in account.group(0)
    nav = re.search(r'<ul class="nhsuk-header__navigation-list".*?</ul>', page, re.S)
    assert nav and re.findall(r'href="([^"]+)" aria-current="page"', nav.group(0)) == ["/money"]
    assert 'href="/admin/users"' in account.group(0)
    local = TestClient(client.app)
    log_in(local, BY_KEY["la_lead"].email)
    mine = local.get("/").text
    assert f'href="/areas/{OWN}"' in mine.split("</header>")[0] and 'href="/admin/users"' not in mine
