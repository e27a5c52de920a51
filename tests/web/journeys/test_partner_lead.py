"""A partner lead's journey on today's geography: North Yorkshire's 2025-26 plan (a council created
in 2023, served by three ICBs). The council lead picks the year, uploads the planning workbook,
edits it in the browser, signs off naming the council's chief executive and s151 officer; an ICB
lead (who acts for every area its ICB serves) signs off naming its chief executive; both see
the quarterly returns. Every page opened is checked (axe, no horizontal overflow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.exchange.excel import write_plan_workbook
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, serve
from tests.web.people_2023 import NORTH_YORKSHIRE, YEAR_2023, add_people_2023, lead_of

AREA = f"/areas/{NORTH_YORKSHIRE}"


@pytest.fixture(scope="module")
def base_url(journey_store: Store) -> Iterator[str]:
    add_people_2023(journey_store)
    with serve(journey_store) as url:
        yield url


def test_partner_leads_upload_edit_sign_off_and_see_returns(browser: Browser, base_url: str, shots: Path,
                                                            tmp_path: Path) -> None:
    year = load_programme(YEAR_2023)
    workbook = write_plan_workbook(tmp_path / "north-yorkshire.xlsx", area_code=NORTH_YORKSHIRE, year=year,
                                   ref=load_reference(), plan=synthetic_plan_2023(NORTH_YORKSHIRE, year, seed=11))

    lead = lead_of(browser, base_url, "ny_council_lead")
    lead.goto(AREA)      # no plans stored yet, so 2015-16 is shown, when North Yorkshire was a county
    assert "not an area in Better Care Fund 2015-16" in lead.inner_text("h1")
    assert "E10000023" in lead.inner_text("#counterparts")
    check(lead, shots, "01-area-of-another-year")
    lead.select_option("#year", YEAR_2023)           # the year selector
    lead.click("#year-choice button")
    assert lead.locator("#year option:checked").inner_text().startswith(year.name)
    assert "North Yorkshire" in lead.inner_text("h1") and year.name in lead.inner_text("#shown-year")
    assert "No plan" in lead.inner_text("#status")
    check(lead, shots, "03-area-no-plan")

    lead.click("text=Upload a planning workbook")
    check(lead, shots, "04-upload")
    lead.set_input_files("#workbook", str(workbook))
    lead.click("button:has-text('Check and upload')")
    assert lead.inner_text("#status").strip() == "draft"
    check(lead, shots, "05-area-draft")

    lead.click("text=Edit the plan in the browser")
    check(lead, shots, "06-plan-edit")
    lead.fill("#narrative", "North Yorkshire's joint plan, typed in the browser")
    lead.click("#plan-form > button:has-text('Save draft')")
    assert "It has no errors" in lead.inner_text("#notice")
    check(lead, shots, "07-plan-edit-saved")
    lead.goto(AREA)
    assert lead.inner_text("#status").strip() == "draft"
    assert lead.locator("#signatories").count() == 1
    lead.click(f"button:has-text('Sign off as {NORTH_YORKSHIRE}')")      # no names: refused, nothing recorded
    assert "council s151 officer" in lead.inner_text("main")
    check(lead, shots, "08-sign-off-needs-names")
    lead.goto(AREA)
    lead.fill("#signatory-council_chief_executive", "Council Chief Executive (illustrative)")
    lead.fill("#signatory-council_s151_officer", "Council s151 Officer (illustrative)")
    lead.click(f"button:has-text('Sign off as {NORTH_YORKSHIRE}')")
    assert "signed off" in lead.inner_text("#done")
    assert lead.inner_text("#status").strip() == "draft", "the ICBs have still to sign"
    check(lead, shots, "09-area-council-signed")
    lead.click("text=Quarterly returns")
    check(lead, shots, "10-returns")

    icb = lead_of(browser, base_url, "ny_icb_lead_qoq", PHONE)
    icb.goto(f"{AREA}?year={YEAR_2023}")
    assert icb.locator("#signatory-icb_chief_executive").count() == 1
    assert icb.locator("#signatory-council_s151_officer").count() == 0
    check(icb, shots, "11-icb-area-phone")
    icb.fill("#signatory-icb_chief_executive", "ICB Chief Executive (illustrative)")
    icb.click("button:has-text('Sign off as QOQ')")
    assert "signed off" in icb.inner_text("#done")
    check(icb, shots, "12-icb-signed")
    icb.click("text=Full history")
    assert "ICB Chief Executive (illustrative)" in icb.inner_text("main")
    check(icb, shots, "13-icb-history")
    icb.goto(f"{AREA}/returns")
    check(icb, shots, "14-icb-returns")
