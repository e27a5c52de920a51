"""The dashboard's cached figures and SPC variation, and the read-only report pages.

Payment-for-performance quarters come from a real posting run (plan assured, contributions
posted, a quarter assessed); the evidence report is the evaluation's own HTML from the real
series; the audit log is written through the sharing store and read back through the service.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from carepool.money import Money
from carepool.services import dashboard, evaluation, ledger, performance, plans
from carepool.store.cache import VersionedCache
from carepool.store.db import Store
from carepool.store.sharing_tables import append_audit
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, assure_plan, log_in, settings
from tests.web.tables import values_only


def rows_cache(store: Store) -> VersionedCache:
    return store.caches.named(dashboard.ROWS_CACHE)


def test_dashboard_rows_are_cached_until_plans_or_the_ledger_change(web_store: Store,
                                                                     workbooks: dict[str, Path]) -> None:
    first = dashboard.all_rows(web_store, YEAR)
    before = rows_cache(web_store).computed
    assert dashboard.all_rows(web_store, YEAR) is first and rows_cache(web_store).computed == before
    plans.import_workbook(web_store, workbooks["valid"], actor="setup")
    changed = dashboard.all_rows(web_store, YEAR)
    assert rows_cache(web_store).computed == before + 1 and changed is not first
    assert {r.code: r.status for r in changed}[OWN] == "draft"
    _assured_after_draft(web_store)
    ledger.post_contributions(web_store, YEAR)
    posted = dashboard.all_rows(web_store, YEAR)
    assert rows_cache(web_store).computed == before + 3    # the assurance (plan events), then the ledger
    assert {r.code: r.status for r in posted}[OWN] == "assured"


def _assured_after_draft(store: Store) -> None:
    record = plans.get_plan(store, OWN, YEAR)
    for partner in (p.code for p in record.plan.partners if p.kind in ("la", "ccg")):
        plans.sign_off(store, OWN, YEAR, partner, actor="setup")
    plans.sign_off_hwb(store, OWN, YEAR, actor="setup")
    plans.submit(store, OWN, YEAR, actor="setup")
    plans.assure(store, OWN, YEAR, "approved", actor="setup")
    dashboard.all_rows(store, YEAR)


def test_every_area_has_a_variation_for_both_real_series() -> None:
    spc = dashboard.area_variations()
    assert len(spc["admissions"]) == 151 and len(spc["delayed"]) == 151
    known = set(dashboard.VARIATION_LABELS) - {dashboard.NO_DATA}
    assert set(spc["admissions"].values()) <= known and set(spc["delayed"].values()) <= known
    assert dashboard.area_variations() is spc    # once per process


def test_the_dashboard_shows_variation_icons_with_names_and_keeps_sort_filter_and_csv(client: TestClient) -> None:
    log_in(client, BY_KEY["assurer"].email)
    spc = dashboard.area_variations()
    page = client.get("/", params={"per_page": "all"}).text
    row = re.search(rf'<tr class="nhsuk-table__row" data-area="{OWN}">.*?</tr>', page, re.S)
    assert row
    admissions = dashboard.variation_label(spc["admissions"][OWN])
    delayed = dashboard.variation_label(spc["delayed"][OWN])
    assert f'role="img" aria-label="Emergency admissions (BCF1): {admissions}"' in row.group(0)
    assert f'aria-label="Delayed transfer of care days (BCF4): {delayed}"' in row.group(0)
    assert f">{admissions}</span>" in row.group(0) and f">{delayed}</span>" in row.group(0)
    assert page.count('class="spc-variation"') == 2 * 151

    ordered = client.get("/?sort=admissions_variation&order=desc&per_page=all").text
    codes = re.findall(r'data-area="(E\d+)"', ordered)
    icons = [spc["admissions"][c] for c in codes]
    assert len(codes) == 151 and icons == sorted(icons, reverse=True)
    assert re.findall(r'data-area="(E\d+)"', client.get("/?q=Rotherham").text) == [OWN]

    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard.csv?q=Rotherham").text)))
    assert len(rows) == 1 and rows[0]["admissions_variation"] == spc["admissions"][OWN]
    assert rows[0]["delayed_variation"] == spc["delayed"][OWN]
    api = client.get("/api/areas", params={"q": "Sheffield"}).json()
    assert [(a["code"], a["delayed_variation"]) for a in api] == [(OTHER, spc["delayed"][OTHER])]


def test_the_quarter_view_shows_what_was_posted(web_store: Store, workbooks: dict[str, Path]) -> None:
    assure_plan(web_store, workbooks["valid"])
    ledger.post_contributions(web_store, YEAR)
    plan = plans.get_plan(web_store, OWN, YEAR).plan
    baseline = plan.ambition.baseline_quarters[0]
    actual = baseline - 40
    run = performance.run_quarter(web_store, "2015Q1", {(OWN, "2015Q1"): actual})
    outcome = run.outcomes[0]

    quarters = performance.performance_quarters(web_store, OWN, YEAR)
    assert [q.quarter for q in quarters] == ["2015Q1", "2015Q2", "2015Q3", "2015Q4"]
    q1 = quarters[0]
    assert (q1.baseline, q1.actual, q1.avoided) == (baseline, actual, 40)
    assert (q1.released, q1.paid_to_acute, q1.tariff_outside) == (
        outcome.released, outcome.paid_to_acute, outcome.tariff_outside)
    assert not quarters[1].assessed and quarters[1].baseline == plan.ambition.baseline_quarters[1]

    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        log_in(client, BY_KEY["pool_manager"].email)
        assert f'href="/areas/{OWN}/performance"' in client.get(f"/areas/{OWN}").text
        page = client.get(f"/areas/{OWN}/performance")
        assert page.status_code == 200
        row = re.search(r'data-quarter="2015Q1">.*?</tr>', page.text, re.S)
        assert row
        cells = dict(re.findall(r'class="[^"]*--numeric (\w+)">([^<]*)<', values_only(row.group(0))))
        assert cells == {"baseline": f"{baseline:,}", "actual": f"{actual:,}", "avoided": "40",
                         "released": str(Money(outcome.released)), "paid": str(Money(outcome.paid_to_acute)),
                         "tariff": str(Money(outcome.tariff_outside))}
        assert page.text.count("Not assessed yet") == 3
        assert client.get(f"/areas/{OTHER}/performance").status_code == 403


def test_the_evidence_report_is_the_evaluations_html_built_once(web_store: Store) -> None:
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        log_in(client, BY_KEY["analyst"].email)
        page = client.get("/evidence")
        assert page.status_code == 200 and "Did the Better Care Fund work?" in page.text
        assert "Verdict:" in page.text and "real published data" in page.text
        for exposure in ("Integrated care pioneers", "New care models vanguards", "Adult Social Care Discharge Fund"):
            assert f"Real exposure: {exposure}" in page.text        # the real exposures, not illustrative doses
        assert "Beside published findings" in page.text and "uniform 95% band" in page.text
        assert "illustrative" not in page.text.split("<h2>Methods")[0]   # nothing illustrative before the methods
        assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
        assert "script-src" not in page.headers["content-security-policy"] and "<script" not in page.text
        first = evaluation.evidence_report(web_store, YEAR)
        assert evaluation.evidence_report(web_store, YEAR) is first and first.html == page.text
        assert first.built_by not in (0, os.getpid()), "built in the app's worker process, not the server's"
        assert first.plans == 0 and "no plan is assured yet" in first.html
        client.cookies.clear()
        log_in(client, BY_KEY["la_lead"].email)
        assert client.get("/evidence").status_code == 403


def test_the_audit_log_is_read_only_and_shows_whether_the_chain_holds(web_store: Store) -> None:
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with web_store.transaction() as session:
        append_audit(session, at=at, actor="mesh@rotherham.test", action="share.send",
                     subject="activity.csv (1,204 rows)", agreement_id="DSA-1", purpose="evaluation")
        append_audit(session, at=at, actor="analyst@england.test", action="linkage.read",
                     subject="linked.parquet (980 rows)")
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        token = log_in(client, BY_KEY["auditor"].email)
        page = client.get("/audit")
        assert page.status_code == 200 and "The hash chain is intact: 2 entries" in page.text
        assert re.findall(r'data-seq="(\d+)"', page.text) == ["1", "2"]
        assert "activity.csv (1,204 rows)" in page.text and "DSA-1" in page.text
        assert client.post("/audit", data={"csrf_token": token}).status_code == 405
        client.cookies.clear()
        log_in(client, BY_KEY["local_auditor"].email)
        assert client.get("/audit").status_code == 403


def test_a_changed_audit_entry_is_shown_as_tampering(web_store: Store) -> None:
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with web_store.transaction() as session:
        for n in (1, 2):
            append_audit(session, at=at, actor="mesh@rotherham.test", action="share.send", subject=f"file {n}")
    on = " ON sharing_audit" if web_store.engine.dialect.name == "postgresql" else ""
    with web_store.engine.begin() as conn:   # someone with DDL rights removes the append-only trigger first
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS sharing_audit_no_update{on}")
        conn.exec_driver_sql("UPDATE sharing_audit SET subject = 'file 9' WHERE seq = 1")
    app = create_app("unused://", settings=settings(), store=web_store)
    with TestClient(app) as client:
        log_in(client, BY_KEY["admin"].email)
        page = client.get("/audit")
        assert page.status_code == 200 and "The audit log has been tampered with" in page.text
        assert "entry 1 was changed after it was written" in page.text
