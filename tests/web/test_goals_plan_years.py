"""``/goals`` for a two-year programme (2023-25): a plan writes one goal per plan year for each
annual metric, so the page sets one plan year's goal against that year's actual, and says which
year it shows.

Reproduction: the goal was the two plan years' goals combined (a rate's two annual goals added,
a percentage's averaged) beside the first plan year's actual: a two-year goal against one year.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from carepool.plans.model import Plan
from tests.web.conftest import BY_KEY, log_in
from tests.web.tables import values_only
from tests.web.test_dashboard_plan_years import SOMERSET, client_2325, two_plans  # noqa: F401

ACTUALS = {"2023-24": {"avoidable_admissions": 111.5, "discharge_usual_residence": 91.25},
           "2024-25": {"avoidable_admissions": 222.5, "discharge_usual_residence": 92.75}}


def _metrics_file(folder: Path) -> Path:
    rows = [(metric, "year", label, SOMERSET, value) for label, values in ACTUALS.items()
            for metric, value in values.items()]
    names = ("metric", "grain", "period", "area_code", "value")
    path = folder / "metrics.parquet"
    pq.write_table(pa.table({k: [r[i] for r in rows] for i, k in enumerate(names)}), path)
    return path


def _cells(html: str, metric: str) -> tuple[str, str]:
    section = re.search(rf'<section [^>]*data-area="{SOMERSET}">.*?</section>', html, re.S)
    assert section, "no Somerset section"
    row = re.search(rf'data-metric="{metric}">.*?</tr>', section.group(0), re.S)
    assert row, metric
    goal = re.search(r'class="[^"]*\bgoal">(.*?)</td>', row.group(0), re.S)
    actual = re.search(r'class="[^"]*\bactual">(.*?)</td>', row.group(0), re.S)
    assert goal and actual
    return re.sub(r"<[^>]+>", "", goal.group(1)).strip(), re.sub(r"<[^>]+>", "", actual.group(1)).strip()


def test_each_plan_years_goal_against_that_years_actual(client_2325: TestClient, two_plans: dict[str, Plan],  # noqa: F811
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOOL_METRICS_FILE", str(_metrics_file(tmp_path)))
    goals = {m.code: [float(p) for p in m.planned if p is not None] for m in two_plans[SOMERSET].metrics}
    assert len(goals["avoidable_admissions"]) == 2 and len(goals["discharge_usual_residence"]) == 2
    log_in(client_2325, BY_KEY["assurer"].email)
    checked = 0
    for index, (label, params) in enumerate((("2023-24", {}), ("2024-25", {"plan_year": "2024-25"}))):
        page = client_2325.get("/goals", params=params)
        assert page.status_code == 200, page.text
        html = unescape(values_only(page.text))
        assert f"plan year {label}" in html
        for metric in ("avoidable_admissions", "discharge_usual_residence"):
            goal, actual = _cells(html, metric)
            assert goal == f"{goals[metric][index]:,.1f}", (label, metric)
            assert actual == f"{ACTUALS[label][metric]:,.1f}", (label, metric)
            checked += 1
    assert checked == 4
    whole = client_2325.get("/goals")
    assert 'href="/goals?plan_year=2024-25"' in whole.text
    assert client_2325.get("/goals", params={"plan_year": "2015-16"}).status_code == 422
