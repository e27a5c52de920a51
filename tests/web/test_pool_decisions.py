"""The pool manager's decisions from the browser, on SQLite and PostgreSQL: the risk-share
agreement, closing a period and settling the year, each bound to the books as the page showed
them (a stale page changes nothing), recorded with the person's email, refused to other roles."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from carepool.money import Money
from carepool.services import ledger
from carepool.store import ledger_tables
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OWN, YEAR, log_in
from tests.web.pool_setup import app_client, funded, payments_csv


def _version(client: TestClient, page: str) -> str:
    found = re.search(r'name="version" value="([^"]+)"', client.get(f"/areas/{OWN}/ledger/{page}").text)
    assert found, f"the {page} page's form carries the books' version"
    return found.group(1)


def test_the_risk_share_agreement_is_recorded_refused_when_wrong_and_bound_to_the_books(web_store: Store) -> None:
    funded(web_store)
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        page = client.get(f"/areas/{OWN}/ledger/risk-share")
        assert page.status_code == 200 and "None recorded (proportional to contributions)" in page.text
        shown = _version(client, "risk-share")
        form = {"csrf_token": token, "version": shown, "pool": "P1", "kind": "fixed", f"weight-{OWN}": "1",
                "weight-03L": "3", "carry_forward": "10"}

        wrong = client.post(f"/areas/{OWN}/ledger/risk-share", data=form | {"weight-03L": "three",
                                                                            "carry_forward": "101"})
        assert wrong.status_code == 422 and "Nothing was recorded" in wrong.text
        assert "weight-03L" in wrong.text and "not a whole percentage from 0 to 100" in wrong.text
        assert 'value="three"' in wrong.text                      # what was typed is kept
        assert ledger.risk_shares(web_store, OWN, YEAR) == {"P1": None}

        done = client.post(f"/areas/{OWN}/ledger/risk-share", data=form, follow_redirects=False)
        assert done.status_code == 303
        agreement = ledger.risk_shares(web_store, OWN, YEAR)["P1"]
        assert agreement is not None and agreement.kind == "fixed" and agreement.carry_forward_pct == 10
        assert dict(agreement.shares) == {OWN: 1, "03L": 3}
        shown_now = client.get(done.headers["location"]).text
        assert f"fixed: {OWN} 1, 03L 3; 10% of an underspend kept in the pool" in shown_now
        assert "The agreement for P1 is recorded" in shown_now
        assert f"Recorded by {BY_KEY['pool_manager'].email} on " in shown_now     # who recorded it, and when

        stale = client.post(f"/areas/{OWN}/ledger/risk-share", data=form | {"kind": "proportional"})
        assert stale.status_code == 409 and "changed after you opened the page" in stale.text
        missing = client.post(f"/areas/{OWN}/ledger/risk-share",
                              data={k: v for k, v in form.items() if k != "version"} | {"kind": "proportional"})
        assert missing.status_code == 409
        assert ledger.risk_shares(web_store, OWN, YEAR)["P1"] == agreement      # unchanged by either


def test_closing_a_period_is_recorded_with_the_person_and_a_stale_page_closes_nothing(web_store: Store,
                                                                                     tmp_path: Path) -> None:
    plan = funded(web_store)
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        page = client.get(f"/areas/{OWN}/ledger/periods")
        assert page.status_code == 200 and 'value="2015Q1"' in page.text and 'value="2015-04-M"' in page.text
        shown = _version(client, "periods")
        ledger.import_spend(web_store, payments_csv(tmp_path / "p.csv", plan, bad=False), OWN)   # books move
        stale = client.post(f"/areas/{OWN}/ledger/close", data={"csrf_token": token, "version": shown,
                                                                "period": "2015Q1"})
        assert stale.status_code == 409 and ledger.closed_periods(web_store, OWN) == []

        done = client.post(f"/areas/{OWN}/ledger/close", data={"csrf_token": token, "period": "2015Q1",
                                                               "version": _version(client, "periods")},
                           follow_redirects=False)
        assert done.status_code == 303
        after = client.get(done.headers["location"])
        assert "2015Q1 is closed" in after.text and 'value="2015Q1"' not in after.text
        assert [c.period.label for c in ledger.closed_periods(web_store, OWN)] == ["2015Q1"]
        with web_store.transaction() as session:
            by = session.scalar(select(ledger_tables.closed_periods.c.closed_by))
        assert by == BY_KEY["pool_manager"].email
        year = client.post(f"/areas/{OWN}/ledger/close", data={"csrf_token": token, "period": "2015-16",
                                                               "version": _version(client, "periods")})
        assert year.status_code == 404          # the year closes only by settling it


def test_settling_shows_what_will_be_posted_then_posts_it_as_the_person_and_closes_the_year(
        web_store: Store, tmp_path: Path) -> None:
    plan = funded(web_store)
    ledger.import_spend(web_store, payments_csv(tmp_path / "p.csv", plan, bad=False), OWN)
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        preview = ledger.settlement_preview(web_store, YEAR, OWN)
        page = client.get(f"/areas/{OWN}/ledger/settlement")
        assert page.status_code == 200 and "Settlement (not yet posted)" in page.text
        assert preview.settlements and str(Money(preview.settlements[0].net)) in page.text
        done = client.post(f"/areas/{OWN}/ledger/settle", data={"csrf_token": token,
                                                                "version": _version(client, "settlement")},
                           follow_redirects=False)
        assert done.status_code == 303
        after = client.get(done.headers["location"])
        assert "is settled and closed" in after.text and 'action="/areas/' + OWN + '/ledger/settle"' not in after.text
        assert "2015-16" in [c.period.label for c in ledger.closed_periods(web_store, OWN)]
        with web_store.transaction() as session:
            actors = {s: a for s, a in session.execute(select(ledger_tables.batches.c.source,
                                                              ledger_tables.batches.c.actor))}
        assert actors[f"settlement {YEAR}"] == BY_KEY["pool_manager"].email
        year_end = client.get(f"/areas/{OWN}/ledger/year-end")
        assert "Risk-share settlement (revenue)" in year_end.text


def test_other_roles_read_but_do_not_act(web_store: Store) -> None:
    funded(web_store)
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["auditor"].email)
        for page in ("", "/risk-share", "/periods", "/settlement"):
            shown = client.get(f"/areas/{OWN}/ledger{page}")
            assert shown.status_code == 200, page
            assert 'method="post" action="/areas/' + OWN + "/ledger" not in shown.text, page
        for action in ("settle", "close", "risk-share", "payments", "reconcile"):
            assert client.post(f"/areas/{OWN}/ledger/{action}", data={"csrf_token": token}).status_code == 403
    assert ledger.closed_periods(web_store, OWN) == []
