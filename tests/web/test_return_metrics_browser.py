"""A 2025-26 return with its metrics, in Chromium: the form, its findings and the returns page are axe-clean."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.store.db import open_store
from carepool.web.app import create_app
from tests.services.test_return_metrics import HEADLINE, assure_2025
from tests.web.conftest import OWN, settings
from tests.web.live import serving
from tests.web.test_browser import _check, _person, browser, shots

__all__ = ["browser", "shots"]          # the browser and screenshot fixtures, shared


@pytest.fixture(scope="module")
def current_url(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("returns-2025") / "store.db"
    shutil.copyfile(people_db, path)
    store = open_store(str(path))
    assure_2025(store, OWN)
    app = create_app("unused://", settings=dataclasses.replace(settings(), year="bcf-2025-26"), store=store)
    with serving(app) as url:
        yield url
    store.dispose()


def test_a_2025_26_return_in_chromium(browser: Browser, current_url: str, shots: Path) -> None:
    page = _person(browser, current_url, "la_lead")
    page.goto(f"/areas/{OWN}/returns/new")
    assert page.locator("fieldset.metric").count() == len(HEADLINE)
    _check(page, shots, "returns-2025-form")
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
    _check(page, shots, "returns-2025-findings")
    page.fill("#f-metrics-discharge_delay_average-actual", "1.8")
    page.fill("#f-narrative", "Discharge to assess beds opened in May.")
    page.click("button:has-text('Check and submit the return')")
    page.wait_for_url(f"{current_url}/areas/{OWN}/returns?done=2025Q1-v1")
    assert page.locator("#metrics tr.metric-row").count() == len(HEADLINE)
    _check(page, shots, "returns-2025-page")
