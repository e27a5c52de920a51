"""Area pages of current-year plans show the ICB discharge sitrep apportioned to the area, labelled
as apportioned; pages of 2015-era years do not."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from carepool.services import discharge
from carepool.store.db import Store
from carepool.web.app import create_app
from tests.web.conftest import BY_KEY, OWN, log_in, settings


@pytest.fixture
def current_client(web_store: Store) -> Iterator[TestClient]:
    app = create_app("unused://", settings=settings(year="bcf-2025-26"), store=web_store)
    with TestClient(app) as c:
        yield c


def test_current_year_area_page_shows_apportioned_sitrep_charts(current_client: TestClient) -> None:
    log_in(current_client, BY_KEY["la_lead"].email)
    page = current_client.get(f"/areas/{OWN}")
    assert page.status_code == 200
    assert 'id="discharge"' in page.text and "apportioned" in page.text
    sections = re.findall(r'<section class="spc-chart[^"]*" id="sitrep-([a-z_]+)" data-apportioned="true"', page.text)
    assert sections == list(discharge.MEASURES)
    expected = discharge.area_chart(OWN, "discharged_total")
    assert f"{expected.months[0]} to {expected.months[-1]}" in page.text
    assert "absent from 2023-09" in page.text            # the sitrep's quirks are shown, not smoothed


def test_2015_year_area_page_has_no_sitrep(client: TestClient) -> None:
    log_in(client, BY_KEY["la_lead"].email)
    page = client.get(f"/areas/{OWN}")
    assert page.status_code == 200
    assert 'id="discharge"' not in page.text


def test_apportioned_area_series_add_up_to_the_icb() -> None:
    from carepool.engines.sitrep import load_sitrep
    from carepool.reference.icb import icb_shares_by_area

    sitrep = load_sitrep()
    icb = "E54000057"     # Greater Manchester: areas wholly inside it
    areas = [a for a, shares in icb_shares_by_area().items() if icb in shares]
    assert len(areas) >= 10
    month = "2024-01"
    total = sum(sitrep.apportioned("discharged_total", a, daily_mean=False).get(month, 0.0) for a in areas
                if set(icb_shares_by_area()[a]) == {icb})
    assert total == pytest.approx(sitrep.series("discharged_total", icb, daily_mean=False)[month], rel=1e-5)
    assert discharge.is_current_year("bcf-2023-25") and not discharge.is_current_year("bcf-2019-20")
