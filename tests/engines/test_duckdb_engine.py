"""Metric values on DuckDB against hand-computed figures from the fixture files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from carepool.engines.compute import compute_metrics, quarterly_emergency_admissions, write_metrics
from carepool.errors import ConfigurationError, InputError
from carepool.metrics.codelists import sql_in_list
from carepool.metrics.definitions import local_metric

TRAFFORD, MANCHESTER, ENGLAND = "E08000009", "E08000003", "E92000001"


def _rows(table: object) -> dict[tuple[str, str, str, str], tuple[object, object, object]]:
    rows = table.to_pylist()  # type: ignore[attr-defined]
    return {(r["metric"], r["grain"], r["period"], r["area_code"]):
            (r["numerator"], r["denominator"], r["value"]) for r in rows}


@pytest.fixture(scope="module")
def result(small_data: Path) -> dict[tuple[str, str, str, str], tuple[object, object, object]]:
    return _rows(compute_metrics(small_data))


def test_bcf1_counts_emergency_only_per_100k_all_ages(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF1", "month", "2015-05", TRAFFORD)] == (1, 200000, 0.5)   # elective S04 not counted
    assert result[("BCF1", "quarter", "2015Q1", TRAFFORD)] == (3, 200000, 1.5)
    assert result[("BCF1", "year", "2015-16", MANCHESTER)] == (3, 500000, 0.6)


def test_financial_quarters_start_in_april(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF1", "quarter", "2014Q4", MANCHESTER)][0] == 1     # 31 March 2015
    assert result[("BCF1", "quarter", "2015Q4", MANCHESTER)][0] == 1     # 31 March 2016
    assert result[("BCF1", "year", "2014-15", MANCHESTER)] == (1, 495000, pytest.approx(1e5 / 495000))


def test_england_is_the_sum_of_areas_over_the_sum_of_populations(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF1", "year", "2015-16", ENGLAND)] == (8, 700000, pytest.approx(8e5 / 700000))
    assert result[("BCF4", "quarter", "2015Q1", ENGLAND)] == (457, 550000, pytest.approx(457e5 / 550000))


def test_missing_population_gives_no_rate(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF1", "year", "2016-17", MANCHESTER)] == (1, None, None)


def test_bcf2_permanent_65_plus_per_100k_65_plus(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF2", "year", "2015-16", TRAFFORD)] == (1, 40000, 2.5)
    assert result[("BCF2", "quarter", "2015Q4", MANCHESTER)] == (1, 50000, 2.0)


def test_bcf3_percent_at_home_of_65_plus_october_to_december(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF3", "month", "2015-10", TRAFFORD)] == (2, 3, pytest.approx(200 / 3))
    assert result[("BCF3", "year", "2015-16", ENGLAND)] == (3, 4, 75.0)    # the April discharge R6 is not counted
    assert ("BCF3", "month", "2015-04", MANCHESTER) not in result


def test_bcf4_delayed_days_per_100k_18_plus(result: dict) -> None:  # type: ignore[type-arg]
    assert result[("BCF4", "month", "2015-04", TRAFFORD)] == (150, 150000, 100.0)
    assert result[("BCF4", "month", "2015-10", MANCHESTER)] == (0, 400000, 0.0)


def test_bcf5_is_not_computed_though_survey_data_exist(result: dict) -> None:  # type: ignore[type-arg]
    assert not [k for k in result if k[0] == "BCF5"]
    assert [k for k in result if k[0] == "BCF1"]


def test_local_metric_runs_like_the_national_ones(small_data: Path) -> None:
    emergency = sql_in_list("admission_method", "emergency_admission_methods")
    bcf6 = local_metric("Emergency admissions aged 65+ per 100,000 aged 65+", "hospital_spells",
                        "admission_date", "1", where=f"{emergency} AND age >= 65",
                        population_band="65_plus")
    rows = _rows(compute_metrics(small_data, metrics=(bcf6,), grains=("year",)))
    assert rows[("BCF6", "year", "2015-16", TRAFFORD)] == (3, 40000, 7.5)
    assert {k[1] for k in rows} == {"year"}


def test_quarterly_emergency_admissions_feed(small_data: Path) -> None:
    feed = quarterly_emergency_admissions(small_data)
    assert feed[(TRAFFORD, "2015Q1")] == 3
    assert feed[(MANCHESTER, "2015Q4")] == 1
    assert all(area != ENGLAND for area, _ in feed)


def test_write_metrics_round_trips(small_data: Path, tmp_path: Path) -> None:
    table = compute_metrics(small_data, grains=("quarter",))
    path = write_metrics(table, tmp_path / "m.parquet")
    assert pq.read_table(path).equals(table)


def test_unknown_engine_and_empty_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        compute_metrics(tmp_path, engine="oracle")
    with pytest.raises(InputError, match="no dataset"):
        compute_metrics(tmp_path)
