"""Current years' returns report the year's metrics (issue 14, item 7), on SQLite and PostgreSQL.

A 2025-26 plan's quarterly and end-of-year returns for a real area carry the three headline
metrics with the plan's goal and the actual (the metrics engine's where person-level data are
loaded, with its interval; otherwise the area's own figure, marked entered); a return missing a
required figure is refused with a finding that names the field; the national team collects them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics, write_metrics
from carepool.errors import ValidationFailed
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import ConditionAnswer, QuarterlyReturn
from carepool.plans.return_metrics import ENGINE, ENTERED, MetricLine
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans as plan_svc
from carepool.services import return_metrics, returns
from carepool.store.db import Store

YEAR = "bcf-2025-26"
AREA = "E08000009"           # Trafford: a real HWB area of today's geography
HEADLINE = ("emergency_admissions", "discharge_delay_average", "long_term_care_admissions_65")
AT = datetime(2025, 8, 1, 9, tzinfo=UTC)         # Q1 (April-June 2025) has ended


def assure_2025(store: Store, area: str = AREA) -> Plan:
    year = load_programme(YEAR)
    plan = synthetic_plan_2023(area, year, seed=2, signed=True)
    at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    plan_svc.import_plan(store, plan, actor="setup", at=at, source=f"plan for {area}")
    for p in plan.partners:
        if p.kind in ("la", "icb"):
            plan_svc.sign_off(store, area, YEAR, p.code, actor="setup", at=at)
    plan_svc.sign_off_hwb(store, area, YEAR, actor="setup", at=at)
    plan_svc.submit(store, area, YEAR, actor="setup", at=at + timedelta(days=1))
    plan_svc.assure(store, area, YEAR, "approved", actor="setup", at=at + timedelta(days=2))
    return plan


def a_return(store: Store, plan: Plan, period: str = "2025Q1", metrics: tuple[MetricLine, ...] = (),
             area: str = AREA) -> QuarterlyReturn:
    pools, schemes = returns.finance_to_date(store, plan, period if "Q" in period else "2025Q4")
    year = load_programme(YEAR)
    return QuarterlyReturn(area, YEAR, period, pools, schemes, None, None,
                           tuple(ConditionAnswer(c.id, True) for c in year.conditions), "On plan.", metrics=metrics)


def entered(*codes: str, value: float = 2.5) -> tuple[MetricLine, ...]:
    return tuple(MetricLine(c, value, ENTERED, on_track=True) for c in codes)


@pytest.fixture(scope="module")
def metrics_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("return-metrics")
    synthetic_writer.write(root / "data", AREA, [2025], seed=5, effects=[])
    return write_metrics(compute_metrics(root / "data", grains=("quarter", "year")), root / "metrics.parquet")


def test_a_2025_26_quarterly_return_reports_the_headline_metrics_from_the_engine(
        store: Store, metrics_file: Path) -> None:
    plan = assure_2025(store)
    lines = tuple(MetricLine(c, on_track=True) for c in HEADLINE)       # no figures: the engine has them
    done = returns.submit(store, a_return(store, plan, metrics=lines), actor="lead@trafford.test", at=AT,
                          metrics_file=metrics_file)
    stored = {m.metric: m for m in done.record.document.metrics}
    assert tuple(stored) == HEADLINE
    table = pq.read_table(metrics_file).to_pylist()
    engine = {r["metric"]: r for r in table
              if r["area_code"] == AREA and r["grain"] == "quarter" and r["period"] == "2025Q1"}
    planned = {mp.code: mp.planned for mp in plan.metrics}
    for code in HEADLINE:
        line = stored[code]
        assert line.source == ENGINE and line.actual == pytest.approx(engine[code]["value"])
        assert line.lower is not None and line.upper is not None and line.lower <= line.actual <= line.upper
        assert line.interval == engine[code]["interval"]
        one = float(planned[code][0] or 0)      # a yearly goal: a rate is a quarter of it a quarter
        assert line.goal == pytest.approx(one / 4 if code != "discharge_delay_average" else one)
    # what was stored is read back the same (both backends)
    again = returns.latest_returns(store, AREA, YEAR)["2025Q1"]
    assert again.document.metrics == done.record.document.metrics
    assert again.document.admissions is None and again.document.delayed_days is None


def test_without_person_level_data_the_area_enters_the_actuals(store: Store) -> None:
    plan = assure_2025(store)
    done = returns.submit(store, a_return(store, plan, metrics=entered(*HEADLINE)), actor="lead", at=AT)
    assert [(m.metric, m.actual, m.source, m.lower) for m in done.record.document.metrics] == [
        (c, 2.5, ENTERED, None) for c in HEADLINE]


def test_a_return_missing_a_required_metric_figure_is_refused_with_a_located_finding(store: Store) -> None:
    plan = assure_2025(store)
    lines = (*entered("emergency_admissions", "long_term_care_admissions_65"),
             MetricLine("discharge_delay_average", None, ENTERED, on_track=False))
    with pytest.raises(ValidationFailed) as refused:
        returns.submit(store, a_return(store, plan, metrics=lines), actor="lead", at=AT)
    where = {(f.rule, f.location.field) for f in refused.value.findings}
    assert ("return.metric-missing", "metrics.discharge_delay_average.actual") in where
    assert ("return.metric-narrative", "metrics.discharge_delay_average.narrative") in where
    assert returns.list_returns(store, AREA, YEAR) == []                # nothing stored


def test_an_end_of_year_return_reports_the_year_against_the_years_goal(store: Store, metrics_file: Path) -> None:
    plan = assure_2025(store)
    lines = tuple(MetricLine(c, on_track=True) for c in HEADLINE)
    done = returns.submit(store, a_return(store, plan, "2025-26", lines), actor="lead",
                          at=datetime(2026, 5, 1, tzinfo=UTC), metrics_file=metrics_file)
    assert done.record.label == "2025-26 end of year"
    by_code = {m.metric: m for m in done.record.document.metrics}
    planned = {mp.code: float(mp.planned[0] or 0) for mp in plan.metrics}
    assert all(by_code[c].goal == pytest.approx(planned[c]) for c in HEADLINE)
    year_rows = {r["metric"]: r["value"] for r in pq.read_table(metrics_file).to_pylist()
                 if r["area_code"] == AREA and r["grain"] == "year" and r["period"] == "2025-26"}
    assert all(by_code[c].actual == pytest.approx(year_rows[c]) for c in HEADLINE)


def test_an_entered_figure_that_differs_from_the_engine_is_a_finding(store: Store, metrics_file: Path) -> None:
    plan = assure_2025(store)
    done = returns.submit(store, a_return(store, plan, metrics=entered(*HEADLINE, value=99_999.0)), actor="lead",
                          at=AT, metrics_file=metrics_file)
    differ = [f.location.field for f in done.findings if f.rule == "return.metric-differs"]
    assert sorted(differ) == sorted(f"metrics.{c}.actual" for c in HEADLINE)
    assert all(m.source == ENGINE and m.actual != 99_999.0 for m in done.record.document.metrics)


def test_the_national_team_collects_the_metrics(store: Store) -> None:
    year = load_programme(YEAR)
    for area, on_track in (("E08000009", True), ("E08000018", False)):
        plan = assure_2025(store, area)
        lines = tuple(MetricLine(c, 3.0, ENTERED, on_track=on_track, narrative="" if on_track else "Winter.")
                      for c in HEADLINE)
        returns.submit(store, a_return(store, plan, metrics=lines, area=area), actor="lead", at=AT)
    rows = returns.collect(store, YEAR, "2025Q1")
    assert {(r.area_code, r.metric) for r in rows} == {(a, c) for a in ("E08000009", "E08000018") for c in HEADLINE}
    summary = {s.metric: s for s in return_metrics.summary(year, rows)}
    assert [(summary[c].areas, summary[c].on_track, summary[c].from_engine) for c in HEADLINE] == [(2, 1, 0)] * 3


def test_the_2015_16_return_has_no_metrics_section() -> None:
    from carepool.plans.quarterly_return_json import return_to_dict
    ret = QuarterlyReturn("E08000018", "bcf-2015-16", "2015Q1", (), (), 10, 5, ())
    assert "metrics" not in return_to_dict(ret)


def test_which_years_returns_report_todays_metrics() -> None:
    from carepool.plans.return_metrics import is_current, year_end_periods
    from carepool.programme import available_programmes
    current = [y for y in available_programmes() if is_current(load_programme(y))]
    assert current == ["bcf-2021-22", "bcf-2022-23", "bcf-2023-25", "bcf-2025-26", "bcf-2026-27"]
    assert year_end_periods(load_programme("bcf-2023-25")) == ("2023-24", "2024-25")
    assert year_end_periods(load_programme("bcf-2015-16")) == ()
