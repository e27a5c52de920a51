"""Editing a two-year (2023-25) plan in Chromium: per-year spend and capacity and demand, axe-clean,
with findings beside the fields, and usable with JavaScript switched off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans
from tests.web.browser_support import check, person, serve
from tests.web.conftest import OWN, sqlite_copy

YEAR = "bcf-2023-25"


@pytest.fixture(scope="module")
def url_2325(people_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web service on the 2023-25 year, Rotherham holding a draft two-year plan."""
    with sqlite_copy(people_db, tmp_path_factory.mktemp("years")) as store:
        plans.save_draft(store, OWN, replace(synthetic_plan_2023(OWN, load_programme(YEAR), seed=4),
                                             illustrative=False), actor="setup")
        with serve(store, year=YEAR) as url:
            yield url


def test_editing_a_two_year_plan_is_accessible(browser: Browser, url_2325: str, shots: Path) -> None:
    lead = person(browser, url_2325, "la_lead")
    lead.goto(f"/areas/{OWN}/plan/edit")
    assert lead.locator("label[for='schemes-0-amounts-1']").inner_text() == "Planned spend in 2024-25"
    assert lead.locator("#section-capacity").count() == 1
    check(lead, shots, "20-plan-edit-2023-25")
    value = lead.input_value("#schemes-0-amounts-0")
    lead.fill("#schemes-0-amounts-0", value.replace("£", "£1"))       # more spent in 2023-24 than received
    lead.fill("#capacity-0-demand", "many")
    lead.click("button:has-text('Save draft') >> nth=0")
    assert lead.locator("#capacity-0-demand-error").count() == 1
    check(lead, shots, "21-plan-edit-2023-25-errors")


def test_capacity_rows_work_without_javascript(browser: Browser, url_2325: str, shots: Path) -> None:
    page = person(browser, url_2325, "la_lead", javascript=False)
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
    page.context.close()
