"""Metric definitions: one each, with the right denominators; the SQL is engine-neutral."""

from __future__ import annotations

import pytest

from carepool.errors import ConfigurationError
from carepool.metrics import BCF1, BCF2, BCF3, BCF4, DUCKDB, SPARK, STANDARD, MetricDefinition
from carepool.metrics.sql import metric_steps, periods_step, union_step


def test_denominators_follow_the_fund_guidance() -> None:
    assert (BCF1.population_band, BCF1.scale) == ("all_ages", 100_000)
    assert (BCF2.population_band, BCF2.scale) == ("65_plus", 100_000)
    assert (BCF3.denominator, BCF3.scale, BCF3.unit) == ("1", 100, "percent")
    assert (BCF4.population_band, BCF4.numerator) == ("18_plus", "delayed_days")
    assert [m.code for m in STANDARD] == ["BCF1", "BCF2", "BCF3", "BCF4", "BCF5"]


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


def test_the_monthly_step_is_materialised_and_last_step_names_the_result() -> None:
    steps = metric_steps(BCF4, DUCKDB)
    assert steps[0].materialize and not steps[-1].materialize
    assert steps[-1].output == "_m_bcf4_rates"
    assert "grain IN ('quarter')" in union_step([steps[-1].output], ("quarter",)).sql
