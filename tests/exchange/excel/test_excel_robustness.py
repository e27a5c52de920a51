"""Whatever is in the file, reading returns findings and never raises (deterministic fuzzing)."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from carepool.exchange.excel import read_and_validate, write_plan_workbook
from carepool.exchange.excel.layout import FIRST_ROW, TABLES
from carepool.findings import has_errors
from carepool.money import Money
from carepool.programme import ProgrammeYear
from carepool.reference import ReferenceData

from .conftest import FIXTURES, a_plan

GOOD = FIXTURES / "good" / "plan-2015-16.xlsx"
ODD_VALUES: tuple[Any, ...] = (
    "", " ", "£", "-", "1e400", "NaN", "=NA()", "#DIV/0!", True, False, 0, -1, 1e308, float("-inf"),
    datetime(1900, 1, 1), "2015-13-45", "ＰＯＯＬ", "\u202e", "x" * 5000, 3.14159265358979, "Yes", "New",
)


@pytest.mark.parametrize("seed", range(6))
def test_odd_values_in_every_input_column_give_findings_not_exceptions(tmp_path: Path, ref: ReferenceData,
                                                                      seed: int) -> None:
    rng = random.Random(seed)
    wb = load_workbook(GOOD)
    for table in TABLES:
        ws = wb[table.sheet]
        for col in table.columns:
            ws[f"{table.letter(col.key)}{FIRST_ROW + rng.randint(0, 2)}"] = rng.choice(ODD_VALUES)
    for coord in ("B4", "B6", "B8", "B9", "B21"):
        wb["Cover"][coord] = rng.choice(ODD_VALUES)
    for coord in ("B4", "F4", "C5", "B7", "B9"):
        wb["Ambition"][coord] = rng.choice(ODD_VALUES)
    path = tmp_path / f"odd-{seed}.xlsx"
    wb.save(path)
    _, findings = read_and_validate(path, ref=ref)
    assert has_errors(findings)
    assert all(f.location.file == path.name and f.location.sheet for f in findings), [str(f) for f in findings]


@pytest.mark.parametrize("seed", range(8))
def test_damaged_bytes_give_findings_not_exceptions(tmp_path: Path, ref: ReferenceData, seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(GOOD.read_bytes())
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path = tmp_path / f"damaged-{seed}.xlsx"
    path.write_bytes(bytes(data))
    read, findings = read_and_validate(path, ref=ref)
    good = read_and_validate(GOOD, ref=ref)[0].plan
    assert has_errors(findings) or read.plan == good


def test_amounts_beyond_excels_precision_are_kept_exactly(tmp_path: Path, ref: ReferenceData,
                                                         year15: ProgrammeYear) -> None:
    """Excel keeps 15 significant digits; a larger amount is written as text and read exactly."""
    plan = a_plan("E06000038", year15, ref)
    huge = Money(1_234_567_890_123_456_789)
    line = plan.funding[0]
    big = type(plan)(**{**plan.__dict__, "funding": (type(line)(line.contributor, line.stream, line.pool, huge),
                                                     *plan.funding[1:])})
    path = write_plan_workbook(tmp_path / "big.xlsx", area_code=plan.area_code, year=year15, ref=ref, plan=big)
    read, findings = read_and_validate(path, ref=ref)
    assert read.plan is not None and read.plan.funding[0].amount == huge
    assert any(f.rule == "AMOUNT-RANGE" and f.location.cell == "D4" for f in findings)
