"""Goal against actual, with the SPC assurance icon, for a current-year plan's metrics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics, write_metrics
from carepool.metrics.goals import goal_rows, monthly_target, year_goal
from carepool.plans.model import MetricPlan
from carepool.services.goals import financial_year_label, goals_for

SPECS = {"emergency_admissions": ("Unplanned admissions", "rate_per_100000", "decrease"),
         "discharged_on_ready_date": ("Discharged on ready date", "percent", "increase")}


def test_goal_scales_and_the_assurance_icon() -> None:
    assert year_goal([100.0, 110.0, 90.0, 100.0], "rate_per_100000") == 400.0
    assert year_goal([80.0, 90.0], "percent") == 85.0
    assert monthly_target(1200.0, "rate_per_100000") == 100.0
    months = [date(2024, m, 1) for m in range(4, 13)] + [date(2025, m, 1) for m in range(1, 4)]
    steady = [(d, 100.0 + (i % 3)) for i, d in enumerate(months)]          # about 100 a month
    easy = MetricPlan("emergency_admissions", None, (Decimal(2400),))       # 200 a month: always met
    hard = MetricPlan("emergency_admissions", None, (Decimal(600),))        # 50 a month: never met
    rows = goal_rows([easy], SPECS, {"emergency_admissions": 1212.0}, {"emergency_admissions": steady})
    assert (rows[0].goal, rows[0].met, rows[0].assurance) == (2400.0, True, "consistent_pass")
    rows = goal_rows([hard], SPECS, {"emergency_admissions": 1212.0}, {"emergency_admissions": steady})
    assert (rows[0].met, rows[0].assurance, rows[0].months) == (False, "consistent_fail", 12)
    unplanned = MetricPlan("emergency_admissions", None, (None,))
    assert goal_rows([unplanned], SPECS, {}, {})[0].goal is None


@pytest.fixture(scope="module")
def metrics_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("goals")
    synthetic_writer.write(root / "data", "E08000009", [2024, 2025], seed=4, effects=[])
    return write_metrics(compute_metrics(root / "data", grains=("month", "year")), root / "metrics.parquet")


def test_a_2025_26_plan_against_the_engine(metrics_file: Path) -> None:
    assert financial_year_label("bcf-2025-26") == "2025-26"
    plan = SimpleNamespace(area_code="E08000009", metrics=(
        MetricPlan("emergency_admissions", None, (Decimal(1),)),               # a goal no area meets
        MetricPlan("discharge_delay_average", None, (Decimal(30),)),           # one every area meets
        MetricPlan("long_term_care_admissions_65", None, (Decimal(500),)),
        MetricPlan("BCF1", None, (Decimal(1),)),                               # not a 2025-26 metric
    ))
    rows = {r.metric: r for r in goals_for(plan, "bcf-2025-26", metrics_file)}  # type: ignore[arg-type]
    assert set(rows) == {"emergency_admissions", "discharge_delay_average", "long_term_care_admissions_65"}
    unplanned, delays = rows["emergency_admissions"], rows["discharge_delay_average"]
    assert (unplanned.met, unplanned.assurance) == (False, "consistent_fail")
    assert (delays.met, delays.assurance) == (True, "consistent_pass")
    assert rows["emergency_admissions"].actual is not None and rows["emergency_admissions"].months == 24
