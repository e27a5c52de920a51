"""Panels: validation names the rows and columns to fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carepool.errors import InputError
from carepool.evaluation.panel import build_panel


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["A", "A", "B", "B", "C", "C"],
        "month": ["2015-03", "2015-04"] * 3,
        "admissions": ["10", "12", "20", "19", "5", "6"],
        "start": ["2015-04", "2015-04", "", "", "never", "never"],
        "pooled": ["0.3", "0.3", "0.1", "0.1", "0", "0"],
        "beds": ["1", "", "2", "2", "3", "3"],
    })


def test_builds_balanced_panel_with_timing_dose_and_covariates() -> None:
    p = build_panel(_frame(), unit="area", time="month", outcome="admissions", start="start",
                    dose="pooled", covariates=["beds"])
    assert p.units == ("A", "B", "C")
    assert p.periods == ("2015-03", "2015-04")
    np.testing.assert_array_equal(p.outcome, [[10, 12], [20, 19], [5, 6]])
    assert p.start == ("2015-04", None, None)
    assert p.start_index().tolist() == [1, -1, -1]
    assert p.dose is not None and p.dose.tolist() == [0.3, 0.1, 0.0]
    assert np.isnan(p.covariates["beds"][0, 1])        # covariates may be blank
    assert p.variable("beds")[2, 0] == 3


def test_integer_periods_sort_numerically() -> None:
    frame = pd.DataFrame({"u": ["a"] * 3, "t": ["9", "10", "11"], "y": ["1", "2", "3"]})
    assert build_panel(frame, unit="u", time="t", outcome="y").periods == (9, 10, 11)


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.drop(columns="admissions"), "missing column.*admissions"),
    (lambda f: f.assign(admissions=["10", "x", "20", "19", "5", "6"]),
     r"column 'admissions' is not a number on row\(s\) 3 \('x'\)"),
    (lambda f: pd.concat([f, f.iloc[[0]]]), r"duplicate \(area, month\) on row\(s\) 2, 8"),
    (lambda f: f.drop(index=3), "gaps: no row for B 2015-04"),
    (lambda f: f.assign(start=["2015-04", "2015-03", "", "", "", ""]),
     "'start' must be one value per area, but A has 2015-03, 2015-04"),
    (lambda f: f.assign(start=["2016-01"] * 2 + [""] * 4), "'2016-01' is not one of the panel's periods"),
    (lambda f: f.assign(pooled=["1.5"] * 2 + ["0"] * 4), "not a share between 0 and 1"),
    (lambda f: f.assign(area=["A", "", "B", "B", "C", "C"]), r"blank area or month on row\(s\) 3"),
])
def test_bad_input_names_what_to_fix(change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        build_panel(change(_frame()), unit="area", time="month", outcome="admissions",
                    start="start", dose="pooled")


def test_reads_csv_and_reports_file(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    _frame().to_csv(path, index=False)
    assert build_panel(path, unit="area", time="month", outcome="admissions").outcome.shape == (3, 2)
    with pytest.raises(InputError, match="file not found"):
        build_panel(tmp_path / "nope.csv", unit="area", time="month", outcome="admissions")
    with pytest.raises(InputError, match=str(path)):
        build_panel(path, unit="area", time="month", outcome="cost")


def test_with_start_and_lookups_validate_names() -> None:
    p = build_panel(_frame(), unit="area", time="month", outcome="admissions")
    q = p.with_start({"B": "2015-04"})
    assert q.start == (None, "2015-04", None)
    with pytest.raises(InputError, match="unit 'Z' is not in the panel"):
        p.with_start({"Z": "2015-04"})
    with pytest.raises(InputError, match="period '2014-01' is not in the panel"):
        p.index_of_period("2014-01")


def test_direct_panels_are_checked() -> None:
    from carepool.evaluation.panel import Panel
    with pytest.raises(InputError, match="needs an outcome of that shape"):
        Panel(("a", "b"), (1, 2, 3), "y", np.zeros((2, 2)))
    with pytest.raises(InputError, match="outcome 'y' is missing for b 2"):
        Panel(("a", "b"), (1, 2), "y", np.array([[1.0, 2.0], [3.0, np.nan]]))
