"""The web return form of a 2025-26 plan reports the three headline metrics, on SQLite and PostgreSQL:
goals from the plan, the area's figures (or the engine's, read-only, with the interval), on track and
narrative; a missing figure is shown beside its field; the end-of-year return is one more period."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics, write_metrics
from carepool.services import return_metrics, returns
from carepool.store.db import Store
from carepool.web.app import create_app
from tests.services.test_return_metrics import HEADLINE, assure_2025
from tests.web.conftest import BY_KEY, OWN, log_in, return_form, settings

YEAR = "bcf-2025-26"


@pytest.fixture
def current_client(web_store: Store) -> Iterator[TestClient]:
    assure_2025(web_store, OWN)
    app = create_app("unused://", settings=settings(year=YEAR), store=web_store)
    with TestClient(app) as c:
        yield c


def _complete(values: dict[str, str]) -> dict[str, str]:
    out = dict(values, narrative="Discharge to assess beds opened in May.")
    for c in ("NC1", "NC2", "NC3"):
        out[f"conditions.{c}"] = "yes"
    for code, figure in zip(HEADLINE, ("2,410.5", "1.8", "160"), strict=True):
        if f"metrics.{code}.actual" in values:
            out[f"metrics.{code}.actual"] = figure
        out[f"metrics.{code}.on_track"] = "yes"
    return out


def test_a_partner_lead_reports_the_headline_metrics(web_store: Store, current_client: TestClient) -> None:
    client = current_client
    log_in(client, BY_KEY["la_lead"].email)
    token, values, html = return_form(client)
    assert values["quarter"] == "2025Q1"
    assert "admissions" not in values and "delayed_days" not in values         # 2015-era figures not asked
    assert re.findall(r'data-metric="([a-z_0-9]+)"', html) == list(HEADLINE)
    goals = re.findall(r"Goal for the period: <strong>([\d,.]+)</strong>", html)
    assert len(goals) == 3                                                     # from the assured plan
    assert '<option value="2025-26">2025-26 end of year</option>' in html
    data = _complete(values)
    data["metrics.discharge_delay_average.actual"] = ""
    data["metrics.long_term_care_admissions_65.on_track"] = "no"
    sent = client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token, **data})
    assert sent.status_code == 422
    page = sent.text
    assert re.findall(r'<li class="finding" data-rule="([^"]+)" data-severity="error">', page) == [
        "return.metric-missing", "return.metric-narrative"]
    for name in ("metrics.discharge_delay_average.actual", "metrics.long_term_care_admissions_65.narrative"):
        ident = "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
        assert f'<a href="#{ident}">' in page and f'id="{ident}-error"' in page
    assert 'value="2,410.5"' in page                                             # what was typed is kept
    assert returns.list_returns(web_store, OWN, YEAR) == []

    data["metrics.discharge_delay_average.actual"] = "1.8"
    data["metrics.long_term_care_admissions_65.narrative"] = "Two homes closed in June."
    sent = client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token, **data}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/areas/{OWN}/returns?done=2025Q1-v1"
    listing = client.get(sent.headers["location"]).text
    rows = re.findall(r'<tr class="nhsuk-table__row metric-row" data-quarter="2025Q1" data-metric="([a-z_0-9]+)">'
                      r'(.*?)</tr>', listing, re.S)
    assert [code for code, _ in rows] == list(HEADLINE)
    assert "2,410.50" in rows[0][1] and "entered by the area" in rows[0][1]
    assert "Two homes closed in June." in rows[2][1]
    stored = returns.latest_returns(web_store, OWN, YEAR)["2025Q1"].document
    assert [(m.metric, m.actual, m.on_track) for m in stored.metrics] == [
        ("emergency_admissions", 2410.5, True), ("discharge_delay_average", 1.8, True),
        ("long_term_care_admissions_65", 160.0, False)]
    assert all(m.goal is not None for m in stored.metrics)


def test_the_engines_figures_are_shown_not_asked(web_store: Store, current_client: TestClient, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    synthetic_writer.write(tmp_path / "data", OWN, [2025], seed=7, effects=[])
    metrics = write_metrics(compute_metrics(tmp_path / "data", grains=("quarter", "year")), tmp_path / "m.parquet")
    monkeypatch.setenv(return_metrics.METRICS_FILE_ENV, str(metrics))
    client = current_client
    log_in(client, BY_KEY["pool_manager"].email)
    token, values, html = return_form(client, "2025-26")
    assert values["quarter"] == "2025-26"
    assert html.count("Actual (metrics engine, from person-level data)") == 3
    assert html.count("(95% confidence interval ") == 3
    assert not any(k.startswith("metrics.") for k in values)                  # no field for an engine figure
    sent = client.post(f"/areas/{OWN}/returns/new", data={"csrf_token": token, **_complete(values)},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text[:2000]
    stored = returns.latest_returns(web_store, OWN, YEAR)["2025-26"]
    assert stored.label == "2025-26 end of year"
    assert all(m.source == "engine" and m.lower is not None for m in stored.document.metrics)


def test_the_api_takes_the_metrics(web_store: Store, current_client: TestClient) -> None:
    client = current_client
    log_in(client, BY_KEY["la_lead"].email)
    token = client.get("/api/me").json()["csrf_token"]
    plan = assure_plan_pools(web_store)
    body = {"quarter": "2025-26 Q2", "pools": plan, "conditions": [{"id": c, "met": True} for c in ("NC1", "NC2",
                                                                                                  "NC3")],
            "narrative": "Q2.", "metrics": [{"metric": c, "actual": 10.5, "on_track": True} for c in HEADLINE]}
    made = client.post(f"/api/areas/{OWN}/returns", json=body, headers={"X-CSRF-Token": token})
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["non_elective_admissions"] is None
    assert [(m["metric"], m["actual"], m["source"]) for m in out["document"]["metrics"]] == [
        (c, 10.5, "entered") for c in HEADLINE]
    body["metrics"] = body["metrics"][:2]                                                    # one left out
    refused = client.post(f"/api/areas/{OWN}/returns", json=body, headers={"X-CSRF-Token": token})
    assert refused.status_code == 422
    assert {(f["rule"], f["location"]["field"]) for f in refused.json()["error"]["findings"]} >= {
        ("return.metric-missing", "metrics.long_term_care_admissions_65.actual")}


def assure_plan_pools(web_store: Store) -> list[dict[str, object]]:
    plan = returns.assured_plan(web_store, OWN, YEAR)
    assert plan is not None
    pools, _ = returns.finance_to_date(web_store, plan, "2025Q2")
    return [{"pool": p.pool, "income_to_date_pence": p.income_to_date.pence,
             "expenditure_to_date_pence": p.expenditure_to_date.pence} for p in pools]
