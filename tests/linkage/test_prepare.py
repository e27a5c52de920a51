from pathlib import Path

import pandas as pd
import pytest

from carepool.errors import InputError, ValidationFailed
from carepool.linkage.mapping import build
from carepool.linkage.prepare import prepare_pair, read_csv

MAPPING = build("id", "hid", ["nhs=nhs_number", "surname=surname", "dob=date_of_birth", "postcode:pc=postcode"])


def frames(**left_overrides: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    left = {"id": ["a", "b", "c"], "nhs": ["943 476 5919", "9434765918", ""],
            "surname": [" O'Brien ", "SMITH", "Jones-Ng"], "dob": ["1950-01-02", "02/01/1950", "junk"],
            "pc": ["ls14ab", "B5 2JB", ""]}
    left.update(left_overrides)
    right = pd.DataFrame({"hid": ["h1"], "nhs_number": ["9434765919"], "surname": ["OBRIEN"],
                          "date_of_birth": ["1950-01-02"], "postcode": ["LS1 4AB"]})
    return pd.DataFrame(left), right


def test_values_are_tidied_alike_and_invalid_numbers_reported_not_dropped() -> None:
    lp, _ = prepare_pair(*frames(), MAPPING)
    frame = lp.frame.astype(object).where(lp.frame.notna(), None)
    assert list(frame["unique_id"]) == ["a", "b", "c"]
    assert list(frame["nhs_number"]) == ["9434765919", None, None]
    assert list(frame["surname"]) == ["o'brien", "smith", "jones-ng"]
    assert list(frame["dob"]) == ["1950-01-02", "1950-01-02", None]
    assert list(frame["postcode"]) == ["LS1 4AB", "B5 2JB", None]
    assert [(f.rule, f.location.row) for f in lp.findings] == [("nhs-number-invalid", 3)]


def test_missing_columns_and_bad_ids_are_all_reported_together() -> None:
    left, right = frames(id=["a", "a", " "])
    with pytest.raises(ValidationFailed) as failed:
        prepare_pair(left, right.drop(columns=["postcode"]), MAPPING)
    rules = sorted(f.rule for f in failed.value.findings)
    assert rules == ["column-missing", "id-blank", "id-duplicate"]


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage\x00,\n\x00\x01")
    with pytest.raises(InputError, match="not a readable CSV"):
        read_csv(bad)
