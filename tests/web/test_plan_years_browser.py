"""Editing a two-year (2023-25) plan in Chromium: per-year spend and capacity and demand, axe-clean,
with findings beside the fields, and usable with JavaScript switched off."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser

from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans
from carepool.store.db import open_store
from carepool.web import create_app
from carepool.web.settings import WebSettings
from tests.web.conftest import BY_KEY, OWN, PASSWORD, TEST_HOSTS
from tests.web.test_browser import _check, _person, browser, shots  # noqa: F401  (fixtures)

YEAR = "bcf-2023-25"


@pytest.fixture(scope="module")
def url_2325(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web service on the 2023-25 year, Rotherham holding a draft two-year plan."""
    path = tmp_path_factory.mktemp("years") / "years.db"
    shutil.copyfile(people_db, path)
    store = open_store(str(path))
    plans.save_draft(store, OWN, replace(synthetic_plan_2023(OWN, load_programme(YEAR), seed=4), illustrative=False),
                     actor="setup")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = WebSettings(secret_key="test-secret-key-" + "x" * 32, warm_caches=False, trusted_hosts=TEST_HOSTS,
                           year=YEAR)
    server = uvicorn.Server(uvicorn.Config(create_app("unused://", settings=settings, store=store),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


def test_editing_a_two_year_plan_is_accessible(browser: Browser, url_2325: str, shots: Path) -> None:  # noqa: F811
    lead = _person(browser, url_2325, "la_lead")
    lead.goto(f"/areas/{OWN}/plan/edit")
    assert lead.locator("label[for='schemes-0-amounts-1']").inner_text() == "Planned spend in 2024-25"
    assert lead.locator("#section-capacity").count() == 1
    _check(lead, shots, "20-plan-edit-2023-25")
    value = lead.input_value("#schemes-0-amounts-0")
    lead.fill("#schemes-0-amounts-0", value.replace("£", "£1"))       # more spent in 2023-24 than received
    lead.fill("#capacity-0-demand", "many")
    lead.click("button:has-text('Save draft') >> nth=0")
    assert lead.locator("#capacity-0-demand-error").count() == 1
    _check(lead, shots, "21-plan-edit-2023-25-errors")


def test_capacity_rows_work_without_javascript(browser: Browser, url_2325: str, shots: Path) -> None:  # noqa: F811
    context = browser.new_context(base_url=url_2325, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", BY_KEY["la_lead"].email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(f"/areas/{OWN}/plan/edit")
    before = page.locator("#section-capacity ~ fieldset[id^='row-capacity-']").count()
    page.click("button:has-text('Add a capacity and demand line')")
    added = page.locator("fieldset[id^='row-capacity-']").count()
    assert added == before + 1
    n = added - 1
    page.fill(f"#capacity-{n}-service", "Rehabilitation in a bedded setting")
    page.select_option(f"#capacity-{n}-plan_year", "2024-25")
    page.fill(f"#capacity-{n}-demand", "120")
    page.fill(f"#capacity-{n}-capacity", "100")
    page.click("button:has-text('Save draft') >> nth=0")
    assert "capacity 100 is below demand 120" in page.content()
    context.close()
