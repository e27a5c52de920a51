"""The generator speaks the current schema: every non-elective method (issue 12 item 5), current
years continued from the published series and the sitrep, and planted effects that are recovered."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from carepool.activity.effects import TrueEffect
from carepool.engines import synthetic_writer
from carepool.engines.compute import compute_metrics
from carepool.engines.published import nonelective_by_area_month
from carepool.metrics.codelists import code_list

TRAFFORD, CORNWALL = "E08000009", "E06000052"


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("current")
    synthetic_writer.write(out, f"{TRAFFORD},{CORNWALL}", synthetic_writer.parse_years("2023-2025"), seed=5,
                       effects=[TrueEffect(CORNWALL, "2024-04", -0.4, "falls_admissions_65")])
    return out


def test_every_non_elective_method_is_generated_and_bcf1_equals_its_baseline(tmp_path: Path) -> None:
    synthetic_writer.write(tmp_path, TRAFFORD, [2015], seed=3, effects=[])
    spells = pq.read_table(tmp_path / "hospital_spells")
    methods = set(spells.column("admission_method").to_pylist())
    assert methods == set(code_list("non_elective_admission_methods").codes()) | {"2A", "2B", "2C", "2D",
                                                                                  "31", "32", "81", "82", "83"}
    assert pc.sum(pc.is_in(spells.column("admission_method"), pc.cast(["21"], "string"))).as_py() < spells.num_rows
    rows = {r["period"]: r["numerator"] for r in compute_metrics(tmp_path, grains=("month",)).to_pylist()
            if r["metric"] == "BCF1" and r["area_code"] == TRAFFORD}
    published = nonelective_by_area_month().by_area_month()
    assert len(rows) == 12
    for month, n in rows.items():
        assert n == published[(TRAFFORD, month)], month
    emergency = {r["period"]: r["numerator"] for r in compute_metrics(tmp_path, grains=("month",)).to_pylist()
                 if r["metric"] == "emergency_admissions" and r["area_code"] == TRAFFORD}
    assert all(emergency[m] < rows[m] for m in rows)     # the baseline is all non-elective, not emergency only


def test_synth_2023_to_2025_says_what_each_year_follows(current: Path) -> None:
    manifest = json.loads((current / "manifest.json").read_text())
    assert manifest["years"] == [2023, 2024, 2025]
    assert "carried forward" in manifest["calibrated_to"]["2023-24"]
    assert "sitrep" in manifest["calibrated_to"]["2024-25"]
    assert "last 12 months" in manifest["calibrated_to"]["2025-26"]
    assert "non_elective_method_mix" in manifest["assumptions"]
    rules = {f["rule"] for f in manifest["findings"]}
    assert {"sitrep.missing_day", "sitrep.icb_missing", "sitrep.split_stops", "synthetic.carried_forward"} <= rules
    assert not (current / "delayed_transfers").exists()          # DToC ended in 2020: no BCF4 data


def test_current_metrics_come_out_with_intervals(current: Path) -> None:
    rows = {(r["metric"], r["area_code"], r["period"]): r
            for r in compute_metrics(current, grains=("year",)).to_pylist()}
    for metric in ("avoidable_admissions", "falls_admissions_65", "discharge_usual_residence",
                   "care_home_admissions_65", "reablement_91", "length_of_stay_14", "length_of_stay_21",
                   "emergency_admissions", "discharge_delay_average", "discharged_on_ready_date",
                   "long_term_care_admissions_65"):
        row = rows[(metric, TRAFFORD, "2024-25")]
        assert row["value"] is not None and row["lower"] < row["value"] < row["upper"], metric
    assert 88 < rows[("discharge_usual_residence", TRAFFORD, "2024-25")]["value"] < 96
    assert 1.0 < rows[("discharge_delay_average", TRAFFORD, "2024-25")]["value"] < 8.0
    assert 1_000 < rows[("falls_admissions_65", TRAFFORD, "2024-25")]["value"] < 5_000


def test_planted_falls_effect_is_recovered_within_its_interval(current: Path) -> None:
    rows = {(r["metric"], r["area_code"], r["period"]): r
            for r in compute_metrics(current, grains=("year",)).to_pylist()}
    before = rows[("falls_admissions_65", CORNWALL, "2023-24")]
    after = rows[("falls_admissions_65", CORNWALL, "2024-25")]
    # expected spells per year are the same (carried-forward admissions and populations), so the
    # ratio of counts estimates 1 + effect; its 95% interval from the two Poisson counts covers -0.4
    ratio = after["numerator"] / before["numerator"]
    se = (1 / after["numerator"] + 1 / before["numerator"]) ** 0.5
    low, high = (ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se))
    assert low < 0.6 < high
    untreated = rows[("falls_admissions_65", TRAFFORD, "2024-25")]["numerator"] / \
        rows[("falls_admissions_65", TRAFFORD, "2023-24")]["numerator"]
    assert 0.85 < untreated < 1.15
