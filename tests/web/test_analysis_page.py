"""The analyst's page on SQLite and PostgreSQL: any area and metric of the year as an XmR chart with
its table, the CSV download (formula-neutralised) and the JSON read, for the areas each user may see;
a metric carepool holds no published series for says so instead of drawing anything."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from carepool.metrics.spc import SpcOptions, parse_date, xmr
from carepool.services import analysis
from carepool.services.spc_chart import points_csv
from carepool.store.db import Store
from carepool.web import create_app
from tests.web.conftest import BY_KEY, OTHER, OWN, YEAR, log_in, settings
from tests.web.tables import values_only


@pytest.fixture
def app_on(web_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app("unused://", settings=settings(), store=web_store)) as client:
        yield client


def test_an_analyst_charts_any_area_and_metric_and_downloads_the_points(app_on: TestClient) -> None:
    log_in(app_on, BY_KEY["analyst"].email)
    first = app_on.get("/analysis")
    assert first.status_code == 200 and 'id="spc-analysis"' not in first.text, "no area chosen yet"
    offered = re.findall(r'<option value="(BCF\d)"', first.text)
    assert offered == ["BCF1", "BCF2", "BCF3", "BCF4", "BCF5", "BCF6"], "the year's metrics"
    assert len(re.findall(r'<option value="E\d{8}"', first.text)) > 100, "a national analyst sees every area"

    expected = analysis.area_chart(YEAR, "BCF4", OTHER)
    page = app_on.get(f"/analysis?area={OTHER}&metric=BCF4")
    assert page.status_code == 200 and '<svg' in page.text and 'id="spc-analysis"' in page.text
    months = re.findall(r'<tr class="nhsuk-table__row(?: spc-special)?"><td class="nhsuk-table__cell">(\d{4}-\d\d)<',
                        values_only(page.text))
    assert months == list(expected.months) and len(months) > 24
    assert "Delayed transfers of care, days delayed: a monthly count" in page.text

    download = app_on.get(f"/analysis.csv?area={OTHER}&metric=BCF4")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert f'filename="spc-{OTHER}-BCF4.csv"' in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["month"] for r in rows] == list(expected.months)
    assert all(r["area"] == OTHER and r["series"] == "BCF4" for r in rows)
    assert [float(r["value"]) for r in rows] == pytest.approx([p.value for p in expected.result.points])
    assert [r["special_cause"] == "yes" for r in rows] == [p.special_cause_flag for p in expected.result.points]

    api = app_on.get(f"/api/analysis/series/BCF4?area={OTHER}")
    assert api.status_code == 200
    assert [p["month"] for p in api.json()["points"]] == list(expected.months)
    assert api.json()["variation"] == expected.result.variation.value


def test_a_metric_without_a_published_series_says_so(app_on: TestClient) -> None:
    log_in(app_on, BY_KEY["analyst"].email)
    page = app_on.get(f"/analysis?area={OWN}&metric=BCF2")
    assert page.status_code == 200 and "<svg" not in page.text.split('id="result"')[1]
    assert "carepool holds no published monthly series for this metric" in page.text
    assert 'id="csv"' not in page.text
    assert app_on.get(f"/analysis.csv?area={OWN}&metric=BCF2").status_code == 404
    assert app_on.get(f"/analysis?area={OWN}&metric=NOPE").status_code == 404
    assert app_on.get("/analysis?area=E99999999&metric=BCF1").status_code == 404


def test_a_local_user_charts_only_their_own_area(app_on: TestClient) -> None:
    log_in(app_on, BY_KEY["local_analyst"].email)
    page = app_on.get("/analysis")
    assert re.findall(r'<option value="(E\d{8})"', page.text) == [OWN]
    assert 'id="spc-analysis"' in page.text, "their one area and the first held metric are chosen for them"
    assert app_on.get(f"/analysis?area={OTHER}&metric=BCF1").status_code == 403
    assert app_on.get(f"/analysis.csv?area={OTHER}&metric=BCF1").status_code == 403
    assert app_on.get(f"/api/analysis/series/BCF1?area={OTHER}").status_code == 403


def test_the_csv_neutralises_formula_like_text() -> None:
    months = ["2024-01", "2024-02", "2024-03"]
    result = xmr([parse_date(m) for m in months], [1.0, 2.0, 3.0], SpcOptions())
    text = points_csv(result, {"area": "=HYPERLINK(\"http://x\")", "series": "@SUM(A1)", "note": "-1"})
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4 and {r[0] for r in rows[1:]} == {"'=HYPERLINK(\"http://x\")"}
    assert {r[1] for r in rows[1:]} == {"'@SUM(A1)"} and {r[2] for r in rows[1:]} == {"-1"}, "a plain number stays"
    assert [r[3] for r in rows[1:]] == months


def test_the_audit_status_is_for_those_who_read_the_audit_trail(app_on: TestClient) -> None:
    log_in(app_on, BY_KEY["analyst"].email)
    assert app_on.get("/api/audit").status_code == 403
    app_on.cookies.clear()
    log_in(app_on, BY_KEY["auditor"].email)
    status = app_on.get("/api/audit")
    assert status.status_code == 200 and status.json()["intact"] is True and status.json()["entries"] == 0
