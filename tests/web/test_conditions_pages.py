"""The area page and dashboard show the conditions register and which version is funded (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from carepool.services import conditions, plans
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OWN, YEAR, log_in


def _assure(store: Store, workbook: Path, outcome: str, written: str = "") -> None:
    record = plans.import_workbook(store, workbook, actor="setup")
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, OWN, YEAR, actor="setup")
    plans.submit(store, OWN, YEAR, actor="setup")
    plans.assure(store, OWN, YEAR, outcome, actor="setup", conditions=written)


def test_open_and_met_conditions_show_on_the_area_page_and_dashboard(
        client: TestClient, web_store: Store, workbooks: dict[str, Path]) -> None:
    _assure(web_store, workbooks["valid"], "approved subject to conditions",
            "Agree the acute-sector impact with providers\nSeven-day discharge by Q2")
    log_in(client, BY_KEY["pool_manager"].email)
    page = client.get(f"/areas/{OWN}").text
    assert 'id="open-conditions">2 open of 2<' in page
    assert len(re.findall(r'class="nhsuk-table__row condition" data-status="open"', page)) == 2
    assert "Seven-day discharge by Q2" in page and "Funded: version 1 is the plan in force." in page
    assert "2 open conditions" in client.get("/", params={"q": OWN}).text

    conditions.meet(web_store, OWN, YEAR, "C1", "Signed agreement with the acute trust", actor="pool manager")
    page = client.get(f"/areas/{OWN}").text
    assert 'id="open-conditions">1 open of 2<' in page
    assert 'data-status="met"' in page and "Signed agreement with the acute trust" in page
    assert "1 open condition<" in client.get("/", params={"q": OWN}).text


def test_a_not_approved_plan_says_it_is_not_funded(client: TestClient, web_store: Store,
                                                   workbooks: dict[str, Path]) -> None:
    _assure(web_store, workbooks["valid"], "not approved")
    log_in(client, BY_KEY["pool_manager"].email)
    page = " ".join(client.get(f"/areas/{OWN}").text.split())
    assert "Not funded: no plan in force" in page and "assured &#39;not approved&#39;" in page
    assert 'id="conditions"' not in page
