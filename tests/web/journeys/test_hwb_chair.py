"""The Health and Wellbeing Board chair's journey on today's geography: North Yorkshire's 2025-26
plan, signed by the council's chief executive and s151 officer and by the chief executive of
each of its three ICBs, is signed off for the board and submitted; the chair then sees it
submitted on the dashboard and in the history. Every page opened is checked (axe, no overflow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from carepool.services import plans
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, serve
from tests.web.people_2023 import ICBS, NORTH_YORKSHIRE, YEAR_2023, add_people_2023, lead_of, store_draft_2023

AREA = f"/areas/{NORTH_YORKSHIRE}"


@pytest.fixture(scope="module")
def base_url(journey_store: Store) -> Iterator[str]:
    """North Yorkshire's people, and its 2025-26 plan signed by every partner's named signatories."""
    add_people_2023(journey_store)
    store_draft_2023(journey_store)
    plans.sign_off(journey_store, NORTH_YORKSHIRE, YEAR_2023, NORTH_YORKSHIRE, actor="council lead",
                   signatories={"council_chief_executive": "Council Chief Executive (illustrative)",
                                "council_s151_officer": "Council s151 Officer (illustrative)"})
    for code in ICBS:
        plans.sign_off(journey_store, NORTH_YORKSHIRE, YEAR_2023, code, actor=f"{code} lead",
                       signatories={"icb_chief_executive": f"{code} Chief Executive (illustrative)"})
    with serve(journey_store) as url:
        yield url


def test_the_chair_signs_off_for_the_board_and_submits(browser: Browser, base_url: str, shots: Path) -> None:
    chair = lead_of(browser, base_url, "ny_hwb_chair")
    assert chair.locator("#year option:checked").get_attribute("value") == YEAR_2023, \
        "the pages open on the latest year with plans"
    assert chair.locator(f"tr[data-area='{NORTH_YORKSHIRE}']").count() == 1
    check(chair, shots, "01-dashboard")
    chair.click(f"tr[data-area='{NORTH_YORKSHIRE}'] a")
    assert chair.inner_text("#status").strip() == "partners signed off"
    partners = chair.inner_text("#plan")
    assert partners.count("signed off") >= 4, "the council and its three ICBs"
    assert chair.locator("#signatories").count() == 0, "the board's sign-off names no council signatory"
    check(chair, shots, "02-area-partners-signed")

    chair.click("button:has-text('Sign off for the Health and Wellbeing Board')")
    assert chair.inner_text("#status").strip() == "hwb signed off"
    check(chair, shots, "03-area-hwb-signed")
    chair.click("button:has-text('Submit the plan')")
    assert chair.inner_text("#status").strip() == "submitted"
    assert chair.locator("button:has-text('Submit the plan')").count() == 0
    check(chair, shots, "04-area-submitted")
    chair.click("text=Full history")
    history = chair.inner_text("main")
    assert "Council s151 Officer (illustrative)" in history and "QE1 Chief Executive (illustrative)" in history
    check(chair, shots, "05-history")
    chair.goto(f"{AREA}/returns")
    check(chair, shots, "06-returns")

    phone = lead_of(browser, base_url, "ny_hwb_chair", PHONE)
    phone.goto(AREA)
    assert phone.inner_text("#status").strip() == "submitted"
    check(phone, shots, "07-area-phone")
