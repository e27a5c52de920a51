"""The national analyst's journey in Chromium on PostgreSQL: choose an area and a metric, read the
Making Data Count chart and its table, download the points as CSV; a metric carepool holds no
published series for says so. axe and no overflow on every page, on a desktop and a phone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services import analysis
from tests.web.browser_support import PHONE, check, person
from tests.web.conftest import OWN, YEAR

pytestmark = pytest.mark.postgres


def test_the_analyst_charts_a_metric_for_an_area_and_downloads_it(browser: Browser, base_url: str, shots: Path,
                                                                  tmp_path: Path) -> None:
    page = person(browser, base_url, "analyst")
    page.click("header a:has-text('Metrics and SPC')")
    page.wait_for_url("**/analysis")
    check(page, shots, "01-choose")

    page.select_option("#area", OWN)
    page.select_option("#metric", "BCF1")
    with page.expect_navigation():
        page.click("button:has-text('Show the chart')")
    assert page.locator("#spc-analysis svg").count() >= 1
    page.click("#spc-analysis summary")
    expected = analysis.area_chart(YEAR, "BCF1", OWN)
    assert page.locator("#spc-analysis table tbody tr").count() == len(expected.months)
    check(page, shots, "02-chart-and-table")

    with page.expect_download() as download:
        page.click("#csv")
    saved = tmp_path / "points.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["month"] for r in rows] == list(expected.months)
    assert {r["area"] for r in rows} == {OWN} and {r["series"] for r in rows} == {"BCF1"}

    page.select_option("#metric", "BCF2")
    with page.expect_navigation():
        page.click("button:has-text('Show the chart')")
    assert "no published monthly series" in page.inner_text("#missing")
    check(page, shots, "03-not-held")

    phone = person(browser, base_url, "analyst", viewport=PHONE)
    phone.goto(f"/analysis?area={OWN}&metric=BCF4")
    assert phone.locator("#spc-analysis svg").count() >= 1
    check(phone, shots, "04-chart-on-a-phone")
