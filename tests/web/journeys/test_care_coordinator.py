"""Joined-up personal budgets in Chromium on PostgreSQL (issue 16 item 10, issue 17). The care
coordinator goes from the dashboard to the area's people, filters them to those with a spend alert
and opens one person's statement; the pool manager reaches the same people from the area page;
a national analyst and the national auditor see the area's totals only and are refused a person's
page; the auditor then reads every person-level view, and only those, in the audit trail.
axe and no horizontal overflow on every page, on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from carepool.budgets.dataset import Dataset
from carepool.services import budgets
from carepool.services.sharing_audit import read_log
from carepool.store.db import Store
from tests.web.browser_support import PHONE, check, person, serve, signed_in
from tests.web.conftest import BY_KEY, CARE_COORDINATOR, OWN, add_person

pytestmark = pytest.mark.postgres
BUDGETS = f"/areas/{OWN}/budgets"


@pytest.fixture(scope="module")
def cohort(journey_store: Store) -> Dataset:
    """Thirty people with illustrative budgets in the own area, and the area's care coordinator."""
    cohort = budgets.synthetic_dataset([OWN], 30, seed=8)
    budgets.load_dataset(journey_store, cohort, actor="setup")
    add_person(journey_store, CARE_COORDINATOR)
    return cohort


@pytest.fixture(scope="module")
def base_url(journey_store: Store, cohort: Dataset) -> Iterator[str]:
    with serve(journey_store) as url:
        yield url


def _listed(page: Page) -> list[str]:
    return page.eval_on_selector_all("#people tbody tr[data-person]", "rows => rows.map(r => r.dataset.person)")


def _budget_reads(store: Store) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject) for e in read_log(store).entries if e.action.startswith("budget.")]


def test_people_for_the_coordinator_and_pool_manager_totals_for_the_nation_every_view_audited(
        browser: Browser, base_url: str, shots: Path, journey_store: Store, cohort: Dataset) -> None:
    everyone = sorted(p.id for p in cohort.people)
    alerted = [r.person_id for r in budgets.area_budgets(journey_store, OWN).rows if r.alert is not None]
    assert len(everyone) == 30 and alerted, "the cohort has people with a spend alert to look at"

    coordinator = signed_in(browser, base_url, CARE_COORDINATOR.email)
    coordinator.click(f"tr[data-area='{OWN}'] a.budgets")
    coordinator.wait_for_url(f"**{BUDGETS}")
    assert _listed(coordinator) == everyone
    assert "30 people with a budget" in coordinator.inner_text("#summary")
    check(coordinator, shots, "01-coordinator-people")
    coordinator.select_option("#alert", "any")
    coordinator.click("button:has-text('Show')")
    coordinator.wait_for_url(f"**{BUDGETS}?alert=any*")
    assert _listed(coordinator) == alerted
    assert coordinator.locator("#people td.alert .nhsuk-tag").count() == len(alerted)
    check(coordinator, shots, "02-coordinator-alerts")

    first = alerted[0]
    coordinator.click(f"tr[data-person='{first}'] a")
    coordinator.wait_for_url(f"**{BUDGETS}/{first}")
    statement = budgets.person_budget(journey_store, OWN, first)
    assert statement.alert is not None
    assert coordinator.inner_text("h1").startswith(f"Personal budget {first}")
    assert statement.alert.kind.value in coordinator.inner_text("#spent")
    assert coordinator.locator("#lines tr[data-line]").count() == len(cohort.accounts[first].budget.lines)
    assert coordinator.locator("#versions tr[data-version]").count() == len(statement.versions)
    check(coordinator, shots, "03-coordinator-statement")

    phone = signed_in(browser, base_url, CARE_COORDINATOR.email, viewport=PHONE)
    phone.goto(f"{BUDGETS}/{first}")
    check(phone, shots, "04-coordinator-statement-on-a-phone")
    phone.goto(BUDGETS)
    check(phone, shots, "05-coordinator-people-on-a-phone")

    manager = person(browser, base_url, "pool_manager")
    manager.goto(f"/areas/{OWN}")
    manager.click("#area-links a:has-text('Joined-up personal budgets')")
    manager.wait_for_url(f"**{BUDGETS}")
    assert _listed(manager) == everyone
    last = everyone[-1]
    manager.click(f"tr[data-person='{last}'] a")
    manager.wait_for_url(f"**{BUDGETS}/{last}")
    check(manager, shots, "06-pool-manager-statement")

    for key in ("analyst", "auditor"):
        national = person(browser, base_url, key)
        national.goto(BUDGETS)
        assert _listed(national) == [] and national.locator("#aggregate-only").count() == 1
        assert "All 30 people" in national.inner_text("#totals")
        assert not any(p in national.content() for p in everyone), f"{key} sees no person's id"
        check(national, shots, f"07-{key}-totals-only")
        refused = national.goto(f"{BUDGETS}/{first}")
        assert refused is not None and refused.status == 403
        assert "person-level" in national.inner_text("main")
        check(national, shots, f"08-{key}-refused-a-person")

    reads = [
        (CARE_COORDINATOR.email, "budget.people.list", f"personal budgets of area {OWN}"),
        (CARE_COORDINATOR.email, "budget.people.list", f"personal budgets of area {OWN}"),
        (CARE_COORDINATOR.email, "budget.person.read", f"personal budget of {first} in area {OWN}"),
        (CARE_COORDINATOR.email, "budget.person.read", f"personal budget of {first} in area {OWN}"),
        (CARE_COORDINATOR.email, "budget.people.list", f"personal budgets of area {OWN}"),
        (BY_KEY["pool_manager"].email, "budget.people.list", f"personal budgets of area {OWN}"),
        (BY_KEY["pool_manager"].email, "budget.person.read", f"personal budget of {last} in area {OWN}"),
    ]
    assert _budget_reads(journey_store) == reads, "each view of people audited; the national roles' none"

    auditor = person(browser, base_url, "auditor")
    auditor.click("header a:has-text('Audit trail')")
    auditor.wait_for_url("**/audit")
    rows = auditor.eval_on_selector_all("#entries tr[data-seq]", "rows => rows.map(r => r.innerText)")
    shown = [row for row in rows if "budget." in row]
    assert [all(part in row for part in read) for row, read in zip(shown, reads, strict=True)] == [True] * 7
    assert re.search(r"The hash chain is intact: \d+ entries", auditor.inner_text("#chain"))
    check(auditor, shots, "09-auditor-reads-the-views")
