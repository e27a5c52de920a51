"""The falls rate (PHOF C29) for a hand-made population, against a direct standardisation done by
hand here, with its own ESP 2013 weights, Byar limits and Dobson interval, to 1e-9."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carepool.engines.compute import compute_metrics
from carepool.metrics import definition

AREA = "E08000009"
# ESP 2013 weights for 65-69 ... 90+ (Eurostat 2013), typed in again here on purpose
WEIGHTS = {"65-69": 5500, "70-74": 5000, "75-79": 4000, "80-84": 2500, "85-89": 1500, "90+": 1000}
PEOPLE = {"65-69": 9000, "70-74": 8000, "75-79": 6000, "80-84": 4000, "85-89": 2000, "90+": 800}
# qualifying falls by band: ages chosen inside each band
FALLS = {"65-69": (67, 4), "70-74": (72, 6), "75-79": (78, 9), "80-84": (81, 12), "85-89": (86, 10), "90+": (93, 7)}


def _spells() -> dict[str, list[object]]:
    rows: list[tuple[int, str, str, str | None]] = []      # age, method, primary, cause
    for age, n in FALLS.values():
        rows += [(age, "21", "S720", "W19X")] * n
    rows += [
        (70, "11", "S720", "W19X"),     # elective: not an emergency admission
        (64, "21", "S720", "W19X"),     # under 65
        (80, "21", "I500", "W19X"),     # primary diagnosis not an injury
        (80, "21", "S720", "V031"),     # injury not caused by a fall
        (80, "21", "S720", None),       # no external cause recorded
        (80, "2B", "T983", "W010"),     # counts: emergency transfer, T98 is in S00-T98, W01 a fall
    ]
    n = len(rows)
    return {
        "spell_id": [f"S{i}" for i in range(n)], "person_id": [f"P{i}" for i in range(n)],
        "admission_date": [date(2023, 5 + i % 6, 1 + i % 27) for i in range(n)],
        "admission_method": [r[1] for r in rows], "discharge_date": [date(2023, 12, 31)] * n,
        "age": [r[0] for r in rows], "area_code": [AREA] * n, "provider": ["X"] * n,
        "sex": ["2"] * n, "primary_diagnosis": [r[2] for r in rows], "secondary_diagnoses": [None] * n,
        "cause_code": [r[3] for r in rows], "discharge_destination": ["19"] * n,
        "discharge_ready_date": [None] * n,
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("falls")
    (root / "hospital_spells").mkdir()
    table = pa.table(_spells(), schema=pa.schema([
        ("spell_id", pa.string()), ("person_id", pa.string()), ("admission_date", pa.date32()),
        ("admission_method", pa.string()), ("discharge_date", pa.date32()), ("age", pa.int64()),
        ("area_code", pa.string()), ("provider", pa.string()), ("sex", pa.string()),
        ("primary_diagnosis", pa.string()), ("secondary_diagnoses", pa.string()), ("cause_code", pa.string()),
        ("discharge_destination", pa.string()), ("discharge_ready_date", pa.date32())]))
    pq.write_table(table, str(root / "hospital_spells" / "part-0.parquet"))
    (root / "population").mkdir()
    bands = list(PEOPLE)
    pq.write_table(pa.table({
        "area_code": [AREA] * (len(bands) + 1), "year": [2023] * (len(bands) + 1),
        "age_band": [*bands, "65_plus"], "population": [*PEOPLE.values(), sum(PEOPLE.values())],
        "basis": ["hand-made"] * (len(bands) + 1)}), str(root / "population" / "part-0.parquet"))
    return root


def _by_hand() -> tuple[int, float, float, float]:
    events = {band: n for band, (_, n) in FALLS.items()}
    events["80-84"] += 1                                     # the T98 / W01 emergency transfer
    total_weight = sum(WEIGHTS.values())
    dsr = sum(WEIGHTS[b] * events[b] / PEOPLE[b] for b in WEIGHTS) / total_weight * 100_000
    var = sum(WEIGHTS[b] ** 2 * events[b] / PEOPLE[b] ** 2 for b in WEIGHTS) / total_weight ** 2 * 100_000 ** 2
    o = sum(events.values())
    z = 1.959963984540054
    o_low = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    o_high = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return o, dsr, dsr + math.sqrt(var / o) * (o_low - o), dsr + math.sqrt(var / o) * (o_high - o)


def test_falls_dsr_and_dobson_interval_match_a_hand_calculation(data: Path) -> None:
    falls = definition("falls_admissions_65")
    table = compute_metrics(data, metrics=(falls,), grains=("year",))   # type: ignore[arg-type]
    row = next(r for r in table.to_pylist() if r["area_code"] == AREA and r["period"] == "2023-24")
    events, dsr, lower, upper = _by_hand()
    assert row["numerator"] == events == 49
    assert row["denominator"] == sum(PEOPLE.values())
    assert row["value"] == pytest.approx(dsr, abs=1e-9, rel=0)
    assert row["lower"] == pytest.approx(lower, abs=1e-9, rel=0)
    assert row["upper"] == pytest.approx(upper, abs=1e-9, rel=0)
    assert row["interval"] == "dobson"
    crude = events / sum(PEOPLE.values()) * 100_000
    assert abs(row["value"] - crude) > 1.0     # standardisation changed the figure
