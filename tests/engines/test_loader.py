"""Loaders: every row accepted or quarantined with a reason; unreadable files are clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carepool.activity.schemas import HOSPITAL_SPELLS, REABLEMENT_EPISODES
from carepool.engines.loader import load_file
from carepool.errors import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"


def _quarantine(path: str) -> dict[int, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}


def test_bad_rows_are_quarantined_with_row_and_reason(tmp_path: Path) -> None:
    report, good = load_file(FIXTURES / "spells_bad.csv", HOSPITAL_SPELLS,
                             out=tmp_path / "ok.parquet", quarantine=tmp_path / "q.csv")
    assert (report.accepted, report.rejected) == (2, 7)
    assert good.column("spell_id").to_pylist() == ["S1", "S9"]
    reasons = _quarantine(str(report.quarantine))
    assert reasons[2].startswith("discharge before admission")
    assert reasons[3] == "age: not a whole number: abc"
    assert reasons[4] == "age: below 0: -4"
    assert reasons[5] == "area_code: unknown area code: X99999999"
    assert reasons[6] == "duplicate spell_id: same as row 1"
    assert reasons[7].startswith("admission_date: not a date")
    assert reasons[8].startswith("admission_method: not one of")
    assert pq.read_table(tmp_path / "ok.parquet").num_rows == 2
    assert {f.location.field for f in report.findings} >= {"age", "area_code", "duplicate spell_id"}


def test_typed_output_keeps_blank_discharge_as_null(tmp_path: Path) -> None:
    _, good = load_file(FIXTURES / "spells_bad.csv", HOSPITAL_SPELLS, quarantine=tmp_path / "q.csv")
    assert good.schema.field("age").type == pa.int64()
    assert good.column("discharge_date").to_pylist()[1] is None


def test_csv_missing_a_column_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="missing column\\(s\\) age"):
        load_file(FIXTURES / "spells_missing_column.csv", HOSPITAL_SPELLS)


def test_truncated_parquet_is_a_clear_error(tmp_path: Path) -> None:
    _, good = load_file(FIXTURES / "hospital_spells.csv", HOSPITAL_SPELLS)
    whole = tmp_path / "whole.parquet"
    pq.write_table(good, whole)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match="truncated or corrupt"):
        load_file(cut, HOSPITAL_SPELLS)


def test_parquet_with_wrong_types_quarantines_rows(tmp_path: Path) -> None:
    table = pa.table({
        "episode_id": ["E1", "E2", "E3"], "person_id": ["P1", "P2", "P3"],
        "discharge_date": ["2015-04-01", "2015-04-02", "yesterday"],
        "age": ["70", "seventy", "80"], "area_code": ["E08000009"] * 3,
        "at_home_91_days": [True, None, False],
    })
    path = tmp_path / "reablement.parquet"
    pq.write_table(table, path)
    report, good = load_file(path, REABLEMENT_EPISODES, quarantine=tmp_path / "q.csv")
    assert (report.accepted, report.rejected) == (1, 2)
    reasons = _quarantine(str(report.quarantine))
    assert "age: not a whole number: seventy" in reasons[2]
    assert "at_home_91_days: missing value" in reasons[2]
    assert reasons[3].startswith("discharge_date: not a date")
    assert good.column("at_home_91_days").to_pylist() == [True]


def test_fractional_number_is_not_rounded(tmp_path: Path) -> None:
    path = tmp_path / "spells.csv"
    path.write_text("spell_id,person_id,admission_date,admission_method,discharge_date,age,area_code,provider,"
                    "sex,primary_diagnosis,secondary_diagnoses,cause_code,discharge_destination,discharge_ready_date\n"
                    "S1,P1,2015-04-01,21,,70.5,E08000009,X,1,R69X,,,,\n", encoding="utf-8")
    report, _ = load_file(path, HOSPITAL_SPELLS, quarantine=tmp_path / "q.csv")
    assert report.rejected == 1
    assert _quarantine(str(report.quarantine))[1] == "age: not a whole number: 70.5"


def test_clean_file_writes_no_quarantine(tmp_path: Path) -> None:
    report, _ = load_file(FIXTURES / "hospital_spells.csv", HOSPITAL_SPELLS, out=tmp_path / "o.parquet")
    assert report.quarantine is None and report.rejected == 0 and report.accepted == 11
