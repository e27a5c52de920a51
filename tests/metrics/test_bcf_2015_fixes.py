"""Regression tests for issue 12 items 5, 9b and 9c (written before the fixes).

5: BCF1 and its baseline count the same admissions: every non-elective admission method.
9b: BCF3 is ASCOF 2B(1): the October-December discharges, followed up at 91 days.
9c: BCF5 has no published national definition, so it is unavailable everywhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carepool.engines.compute import compute_metrics
from carepool.metrics import definitions

TRAFFORD = "E08000009"


def _write(root: Path, name: str, columns: dict[str, list[object]]) -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), str(root / name / "part-0.parquet"))


def _population(root: Path) -> None:
    _write(root, "population", {"area_code": [TRAFFORD] * 3, "year": [2015] * 3,
                                "age_band": ["all_ages", "18_plus", "65_plus"],
                                "population": [200_000, 150_000, 40_000], "basis": ["test"] * 3})


def test_bcf1_counts_every_non_elective_admission_method(tmp_path: Path) -> None:
    # NHS Data Dictionary ADMISSION METHOD: 21 A&E, 2B emergency transfer, 31 maternity ante partum,
    # 81 non-emergency transfer (all non-elective); 11 is elective (waiting list) and must not count.
    methods = ["21", "2B", "31", "81", "11"]
    n = len(methods)
    _write(tmp_path, "hospital_spells", {
        "spell_id": [f"S{i}" for i in range(n)], "person_id": [f"P{i}" for i in range(n)],
        "admission_date": [date(2015, 4, 10)] * n, "admission_method": methods,
        "discharge_date": [date(2015, 4, 12)] * n, "age": [70] * n, "area_code": [TRAFFORD] * n,
        "provider": ["RM2"] * n})
    _population(tmp_path)
    rows = {(r["metric"], r["grain"], r["period"], r["area_code"]): r for r in
            compute_metrics(tmp_path, metrics=(definitions.BCF1,), grains=("month",)).to_pylist()}
    assert rows[("BCF1", "month", "2015-04", TRAFFORD)]["numerator"] == 4


def test_bcf3_is_the_october_to_december_cohort(tmp_path: Path) -> None:
    discharges = [date(2015, 5, 1), date(2015, 5, 2), date(2015, 10, 1), date(2015, 11, 30),
                  date(2015, 12, 31), date(2016, 1, 2)]
    at_home = [False, False, True, True, False, False]
    n = len(discharges)
    _write(tmp_path, "reablement_episodes", {
        "episode_id": [f"R{i}" for i in range(n)], "person_id": [f"P{i}" for i in range(n)],
        "discharge_date": discharges, "age": [80] * n, "area_code": [TRAFFORD] * n,
        "at_home_91_days": at_home})
    rows = {(r["metric"], r["grain"], r["period"]): r for r in
            compute_metrics(tmp_path, metrics=(definitions.BCF3,), grains=("year",)).to_pylist()
            if r["area_code"] == TRAFFORD}
    year = rows[("BCF3", "year", "2015-16")]
    assert (year["numerator"], year["denominator"]) == (2, 3)
    assert year["value"] == pytest.approx(200 / 3)


def test_bcf5_is_unavailable_everywhere() -> None:
    assert "BCF5" not in [m.code for m in definitions.STANDARD]
    unavailable = definitions.UNAVAILABLE["BCF5"]
    assert "no national definition" in unavailable.reason
    assert unavailable.source
