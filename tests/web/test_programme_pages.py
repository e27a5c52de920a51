"""The year-against-year page: two programme years side by side, for every signed-in user."""

from __future__ import annotations

import re
from html import unescape

from carepool.store.db import Store
from tests.web.conftest import client_as


def test_two_years_side_by_side(web_store: Store) -> None:
    page = client_as(web_store, "la_lead").get("/programmes/compare", params={"a": "bcf-2020-21", "b": "bcf-2025-26"})
    assert page.status_code == 200
    text = unescape(page.text)
    assert "<script" not in text.split("</main>")[0]
    row = re.search(r'data-streams="nhs-minimum">(.*?)</tr>', text, re.S)
    assert row is not None and "£4,048.0m" in row.group(1) and "£5,614.0m" in row.group(1)
    assert re.search(r'data-metrics="emergency_admissions">.*?added', text, re.S)
    assert re.search(r'data-rules="plans_required">.*?No.*?Yes.*?changed', text, re.S)
    assert 'id="missing-bcf-2025-26"' in text and "national minimum total" in text
    assert 'id="missing-bcf-2020-21"' in text          # 2020-21 also lacks its conditions list
    assert text.count('<option value="bcf-') == 20      # ten years in each of the two selects


def test_defaults_and_a_complete_year_has_no_warning(web_store: Store) -> None:
    page = client_as(web_store, "auditor").get("/programmes/compare", params={"a": "bcf-2015-16", "b": "bcf-2016-17"})
    assert page.status_code == 200
    assert 'id="missing-' not in page.text
    assert "local_risk_share" in page.text and "payment_for_performance" in page.text
    default = client_as(web_store, "analyst").get("/programmes/compare")
    assert default.status_code == 200 and "bcf-2025-26" in default.text


def test_an_unknown_year_is_refused(web_store: Store) -> None:
    client = client_as(web_store, "analyst")
    for value in ("bcf-1999-00", "../programme/years/bcf-2015-16", "x" * 33):
        assert client.get("/programmes/compare", params={"a": value}).status_code == 422


def test_the_dashboard_links_to_it(web_store: Store) -> None:
    assert 'href="/programmes/compare"' in client_as(web_store, "assurer").get("/").text
