"""Metric definitions: one each, with the right denominators; the SQL is engine-neutral."""

from __future__ import annotations

import pytest

from carepool.errors import ConfigurationError
from carepool.metrics import (
    ALL,
    BCF1,
    BCF2,
    BCF3,
    BCF4,
    DUCKDB,
    SPARK,
    STANDARD,
    UNAVAILABLE,
    MetricDefinition,
    definition,
)
from carepool.metrics.codelists import all_lists
from carepool.metrics.current import check_complete
from carepool.metrics.ids import BCF_2015_IDS, CURRENT_IDS
from carepool.metrics.sql import metric_steps, periods_step


def test_denominators_follow_the_fund_guidance() -> None:
    assert (BCF1.population_band, BCF1.scale) == ("all_ages", 100_000)
    assert (BCF2.population_band, BCF2.scale) == ("65_plus", 100_000)
    assert (BCF3.denominator, BCF3.scale, BCF3.unit) == ("1", 100, "percent")
    assert (BCF4.population_band, BCF4.numerator) == ("18_plus", "delayed_days")
    assert [m.code for m in STANDARD] == ["BCF1", "BCF2", "BCF3", "BCF4"]


def test_every_metric_id_has_a_definition_or_a_reason_it_is_unavailable() -> None:
    assert check_complete() == []
    for metric_id in (*BCF_2015_IDS, *CURRENT_IDS):
        found = definition(metric_id)
        assert found.source, metric_id
    assert set(UNAVAILABLE) == {"BCF5"}
    with pytest.raises(ConfigurationError):
        definition("BCF99")


def test_every_definition_names_known_code_lists_and_an_interval_method() -> None:
    lists = all_lists()
    checked = 0
    for metric in ALL:
        for ref in metric.codelists:
            name, version = ref.split("@")
            assert lists[name].version == version, ref
            checked += 1
        if metric.code != "BCF4":
            assert metric.interval != "none", metric.code
    assert checked >= 8
    falls = definition("falls_admissions_65")
    assert isinstance(falls, MetricDefinition)
    assert (falls.standardisation, falls.min_age, falls.interval) == ("esp2013", 65, "dobson")


def test_a_metric_needs_exactly_one_denominator() -> None:
    with pytest.raises(ConfigurationError):
        MetricDefinition("X", "x", "survey", "response_date", "1")
    with pytest.raises(ConfigurationError):
        MetricDefinition("X", "x", "survey", "response_date", "1", population_band="all_ages", denominator="1")


def test_dialects_differ_only_in_spelling() -> None:
    duck = [s.sql for s in metric_steps(BCF1, DUCKDB)]
    spark = [s.sql for s in metric_steps(BCF1, SPARK)]
    assert [d.replace("VARCHAR", "STRING") for d in duck] == spark
    assert "AS STRING" in periods_step(BCF1, SPARK, "src").sql
    los = definition("length_of_stay_14")
    assert isinstance(los, MetricDefinition)
    assert "date_diff('day', admission_date, discharge_date)" in metric_steps(los, DUCKDB)[0].sql
    assert "datediff(discharge_date, admission_date)" in metric_steps(los, SPARK)[0].sql


def test_the_monthly_step_is_materialised_and_grains_are_chosen_in_sql() -> None:
    steps = metric_steps(BCF4, DUCKDB, ("quarter",))
    assert steps[0].materialize and not steps[-1].materialize
    assert steps[-1].output == "_m_bcf4_periods"
    assert "'quarter' AS grain" in steps[-1].sql and "'month' AS grain" not in steps[-1].sql
