"""People of a 2023-geography area for the web tests: North Yorkshire (E06000065, a council created
in April 2023) and its three ICBs, planning the 2025-26 fund."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans, users
from carepool.store.db import Store
from tests.web.browser_support import DESKTOP, signed_in
from tests.web.conftest import PASSWORD, Person

YEAR_2023 = "bcf-2025-26"
NORTH_YORKSHIRE = "E06000065"
ICBS = ("QOQ", "QWO", "QE1")      # Humber and North Yorkshire, West Yorkshire, Lancashire and South Cumbria
PEOPLE_2023 = (
    Person("ny_council_lead", "council-lead@northyorks.test", NORTH_YORKSHIRE, "la", "partner_lead",
           (NORTH_YORKSHIRE,)),
    *(Person(f"ny_icb_lead_{code.lower()}", f"icb-lead-{code.lower()}@icb.test", code, "icb", "partner_lead", ())
      for code in ICBS),
    Person("ny_hwb_chair", "chair@northyorks.test", f"{NORTH_YORKSHIRE}-HWB", "hwb", "hwb_chair",
           (NORTH_YORKSHIRE,)),
)
BY_KEY_2023 = {p.key: p for p in PEOPLE_2023}


def add_people_2023(store: Store) -> None:
    """The accounts; each ICB lead is given no area, so it acts for every area its ICB serves."""
    for p in PEOPLE_2023:
        users.add_user(store, email=p.email, password=PASSWORD, name=p.key, org_code=p.org, org_kind=p.kind,
                       role=p.role, areas=list(p.areas))


def store_draft_2023(store: Store, *, seed: int = 7) -> None:
    """North Yorkshire's 2025-26 plan as a draft nobody has signed yet (valid, illustrative)."""
    plans.import_plan(store, synthetic_plan_2023(NORTH_YORKSHIRE, load_programme(YEAR_2023), seed=seed),
                      actor="setup")


def lead_of(browser: Browser, base_url: str, key: str, viewport: dict[str, int] = DESKTOP) -> Page:
    """A fresh page logged in as ``key`` of PEOPLE_2023 (the journeys' ``person`` for these people)."""
    return signed_in(browser, base_url, BY_KEY_2023[key].email, viewport=viewport)
