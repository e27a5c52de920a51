"""Malformed person-level files: bad codes, impossible dates, discharge before admission, unknown
areas and a truncated Parquet file are quarantined with row (or file) and reason, counted, and the
rest still loads."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from carepool.activity.schemas import HOSPITAL_SPELLS
from carepool.engines.loader import load_file, load_folder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activity"
HEADER = ("spell_id,person_id,admission_date,admission_method,discharge_date,age,area_code,provider,sex,"
          "primary_diagnosis,secondary_diagnoses,cause_code,discharge_destination,discharge_ready_date\n")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "hospital_spells.csv", src / "good.csv")
    (src / "bad.csv").write_text(HEADER + "".join([
        "B1,P1,2023-05-01,21,2023-05-03,80,E08000009,X,2,S720,,W19X,19,\n",        # good
        "B2,P2,2023-05-01,27,2023-05-03,80,E08000009,X,2,S720,,W19X,19,\n",        # admission method 27 not a code
        "B3,P3,2023-02-30,21,2023-03-03,80,E08000009,X,2,S720,,W19X,19,\n",        # 30 February
        "B4,P4,2023-05-09,21,2023-05-03,80,E08000009,X,2,S720,,W19X,19,\n",        # discharge before admission
        "B5,P5,2023-05-01,21,2023-05-03,80,E99999999,X,2,S720,,W19X,19,\n",        # unknown area
        "B6,P6,2023-05-01,21,2023-05-03,80,E08000009,X,2,S72.0,,W19X,19,\n",       # ICD-10 with a dot
        "B7,P7,2023-05-01,21,2023-05-03,80,E08000009,X,2,S720,,W19X,77,\n",        # destination 77 not a code
        "B8,P8,2023-05-01,21,2023-05-03,80,E08000009,X,2,S720,,W19X,19,2023-05-05\n",  # ready after discharge
    ]), encoding="utf-8")
    _, good = load_file(FIXTURES / "hospital_spells.csv", HOSPITAL_SPELLS)
    whole = tmp_path / "whole.parquet"
    pq.write_table(good, whole)
    (src / "cut.parquet").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return src


def test_every_malformed_row_and_file_is_quarantined_and_the_rest_loads(folder: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    report = load_folder(folder, HOSPITAL_SPELLS, data)
    assert (report.accepted, report.rejected) == (11 + 1, 7)
    assert report.rejected_files == ("cut.parquet",)
    assert (data / "quarantine" / "files" / "cut.parquet").exists()
    assert any("truncated or corrupt" in f.message and f.severity == "error" for f in report.findings)
    with (data / "quarantine" / "bad.csv").open(newline="", encoding="utf-8") as handle:
        reasons = {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}
    assert reasons[2].startswith("admission_method: not one of")
    assert reasons[3].startswith("admission_date: not a date")
    assert reasons[4].startswith("discharge before admission")
    assert reasons[5] == "area_code: unknown area code: E99999999"
    assert reasons[6] == "primary_diagnosis: not a valid code: S72.0"
    assert reasons[7].startswith("discharge_destination: not one of")
    assert reasons[8].startswith("discharged before ready date")
    loaded = pq.read_table(data / "hospital_spells")
    assert loaded.num_rows == 12 and "B1" in loaded.column("spell_id").to_pylist()
