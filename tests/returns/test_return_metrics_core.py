"""The metrics section's rules without a store: goals per period, required figures, messages."""

from __future__ import annotations

import pytest

from carepool.plans.return_metrics import (
    ENTERED,
    MetricLine,
    figure_required,
    period_goal,
    period_words,
    validate_metrics,
)
from carepool.programme import load_programme

Y2526 = load_programme("bcf-2025-26")
Y2325 = load_programme("bcf-2023-25")


def test_goals_per_period_from_quarterly_and_yearly_plan_values() -> None:
    quarterly = [100.0, 110.0, 120.0, 130.0]
    assert period_goal(quarterly, "rate_per_100000", Y2526, "2025Q3") == 120.0
    assert period_goal(quarterly, "rate_per_100000", Y2526, "2025-26") == 460.0     # rates add up
    assert period_goal([2.0, 3.0, 4.0, 5.0], "days", Y2526, "2025-26") == 3.5        # days are averaged
    assert period_goal([400.0], "rate_per_100000", Y2526, "2025Q2") == 100.0          # a quarter of a year
    assert period_goal([85.0], "percent", Y2526, "2025Q2") == 85.0
    two_years = [600.0, 560.0]                                                         # one goal per plan year
    assert period_goal(two_years, "rate_per_100000", Y2325, "2024Q1") == 140.0
    assert period_goal(two_years, "rate_per_100000", Y2325, "2023-24") == 600.0
    assert period_goal([], "percent", Y2526, "2025Q1") is None
    assert period_goal([None, 1.0, 1.0, 1.0], "days", Y2526, "2025-26") is None     # an unset quarter


def test_reablement_is_asked_for_at_the_end_of_the_year_only() -> None:
    assert not figure_required("reablement_91", "2023Q3") and figure_required("reablement_91", "2023-24")
    lines = [MetricLine(m.code, 1.0, ENTERED, on_track=True) for m in Y2325.metrics if m.code != "reablement_91"]
    quarter = validate_metrics([*lines, MetricLine("reablement_91", None, ENTERED, on_track=True)], Y2325, "2023Q3")
    assert [f for f in quarter if f.severity.value == "error"] == []
    year = validate_metrics([*lines, MetricLine("reablement_91", None, ENTERED, on_track=True)], Y2325, "2023-24")
    assert [(f.rule, f.location.field) for f in year] == [("return.metric-missing", "metrics.reablement_91.actual")]


@pytest.mark.parametrize(("line", "rule", "field"), [
    (MetricLine("emergency_admissions", -1.0, ENTERED, on_track=True), "return.metric-range", "actual"),
    (MetricLine("emergency_admissions", 5.0, "guessed", on_track=True), "return.metric-source", "source"),
    (MetricLine("emergency_admissions", 5.0, ENTERED), "return.metric-on-track", "on_track"),
    (MetricLine("emergency_admissions", 5.0, ENTERED, goal=1.0, on_track=True), "return.metric-behind-goal",
     "on_track"),
])
def test_each_problem_is_named_at_its_field(line: MetricLine, rule: str, field: str) -> None:
    others = [MetricLine(c, 1.0, ENTERED, on_track=True) for c in ("discharge_delay_average",
                                                                    "long_term_care_admissions_65")]
    found = validate_metrics([line, *others], Y2526, "2025Q1")
    assert [(f.rule, f.location.field) for f in found] == [(rule, f"metrics.emergency_admissions.{field}")]


def test_unknown_and_repeated_metrics_and_the_words_for_periods() -> None:
    lines = [MetricLine(c, 1.0, ENTERED, on_track=True) for c in ("emergency_admissions", "discharge_delay_average",
                                                                  "long_term_care_admissions_65", "BCF1")]
    found = validate_metrics([*lines, lines[0]], Y2526, "2025Q1")
    assert {f.rule for f in found} == {"return.metric-unknown", "return.metric-duplicate"}
    assert (period_words("2025Q2"), period_words("2025-26")) == ("2025-26 Q2", "2025-26 end of year")
