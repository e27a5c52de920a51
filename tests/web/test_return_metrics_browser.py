"""A 2025-26 return with its metrics, in Chromium: the form, its findings and the returns page are axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.services.test_return_metrics import HEADLINE, assure_2025
from tests.web.browser_support import check, person, serve
from tests.web.conftest import OWN, sqlite_copy


@pytest.fixture(scope="module")
def current_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sqlite_copy(people_db, tmp_path_factory.mktemp("returns-2025")) as store:
        assure_2025(store, OWN)
        with serve(store, year="bcf-2025-26") as url:
            yield url


def test_a_2025_26_return_in_chromium(browser: Browser, current_url: str, shots: Path) -> None:
    page = person(browser, current_url, "la_lead")
    page.goto(f"/areas/{OWN}/returns/new")
    assert page.locator("fieldset.metric").count() == len(HEADLINE)
    check(page, shots, "returns-2025-form")
    for c in ("NC1", "NC2", "NC3"):
        page.check(f"#f-conditions-{c}-yes")
    page.fill("#f-metrics-emergency_admissions-actual", "2410.5")
    page.fill("#f-metrics-long_term_care_admissions_65-actual", "160")
    for code in HEADLINE:
        page.check(f"#f-metrics-{code}-on_track-yes")
    page.click("button:has-text('Check and submit the return')")
    errors = page.locator(".nhsuk-error-summary li[data-severity='error']")
    assert errors.evaluate_all("els => els.map(e => e.dataset.rule)") == ["return.metric-missing"]
    assert page.locator("#f-metrics-discharge_delay_average-actual-error").count() == 1
    check(page, shots, "returns-2025-findings")
    page.fill("#f-metrics-discharge_delay_average-actual", "1.8")
    page.fill("#f-narrative", "Discharge to assess beds opened in May.")
    page.click("button:has-text('Check and submit the return')")
    page.wait_for_url(f"{current_url}/areas/{OWN}/returns?done=2025Q1-v1")
    assert page.locator("#metrics tr.metric-row").count() == len(HEADLINE)
    check(page, shots, "returns-2025-page")
