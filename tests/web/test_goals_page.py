"""``/goals``: each area's goal against its actual per metric, with the SPC variation and assurance icons."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from carepool.metrics.goals import year_goal
from carepool.services import plans
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OTHER, OWN, log_in
from tests.web.tables import values_only


def _metrics_file(folder: Path, goal: float, area: str) -> Path:
    """A hand-made metrics table: BCF1 for ``area``, 24 steady months well under the goal's monthly
    target (so the process consistently meets it) and a year value under the goal."""
    months = [(2014, m) for m in range(4, 13)] + [(2015, m) for m in range(1, 13)] + [(2016, m) for m in (1, 2, 3)]
    rows = [("BCF1", "month", f"{y}-{m:02d}", area, goal / 12 * 0.5 + (i % 3)) for i, (y, m) in enumerate(months)]
    rows.append(("BCF1", "year", "2015-16", area, goal * 0.6))
    names = ("metric", "grain", "period", "area_code", "value")
    table = pa.table({k: [r[i] for r in rows] for i, k in enumerate(names)})
    path = folder / "metrics.parquet"
    pq.write_table(table, path)
    return path


def test_goals_against_actuals_with_the_assurance_icon(client: TestClient, web_store: Store,
                                                       workbooks: dict[str, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plans.import_workbook(web_store, workbooks["valid"], actor="setup").plan
    plans.import_workbook(web_store, workbooks["other"], actor="setup")
    bcf1 = next(m for m in plan.metrics if m.code == "BCF1")
    goal = year_goal([float(p) for p in bcf1.planned if p is not None], "rate_per_100000")
    log_in(client, BY_KEY["assurer"].email)

    without = unescape(client.get("/goals").text)
    assert 'id="no-metrics"' in without and re.findall(r'<section [^>]*data-area="(E\d+)"', without) == [OWN, OTHER]

    monkeypatch.setenv("CAREPOOL_METRICS_FILE", str(_metrics_file(tmp_path, goal, OWN)))
    page = unescape(values_only(client.get("/goals").text))
    assert 'id="no-metrics"' not in page
    own = re.search(rf'<section [^>]*data-area="{OWN}">.*?</section>', page, re.S)
    assert own
    row = re.search(r'<tr class="nhsuk-table__row" data-metric="BCF1">.*?</tr>', own.group(0), re.S)
    assert row
    assert f"{goal:,.1f}" in row.group(0) and f"{goal * 0.6:,.1f}" in row.group(0)
    assert re.search(r'class="nhsuk-table__cell met">.*?yes</td>', row.group(0), re.S)
    assert 'class="spc-assurance" data-icon="consistent_pass"' in row.group(0)
    assert ": Consistently meets the goal</title>" in row.group(0)
    other = re.search(rf'<section [^>]*data-area="{OTHER}">.*?</section>', page, re.S)
    assert other and 'data-icon="none"' in other.group(0), "no figures for the other area: no icon"

    local = TestClient(client.app)
    log_in(local, BY_KEY["hwb_chair"].email)
    assert re.findall(r'<section [^>]*data-area="(E\d+)"', local.get("/goals").text) == [OWN]
