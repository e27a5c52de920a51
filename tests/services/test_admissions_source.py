"""Payment for performance reads admissions from exactly one source (`performance run` and `verify`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.errors import InputError, ValidationFailed
from carepool.services import performance as perf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"


@pytest.mark.parametrize("both", [False, True])
def test_none_or_both_sources_is_refused_saying_which_admissions(tmp_path: Path, both: bool) -> None:
    file, activity = (FIXTURES / "admissions_bad.csv", tmp_path) if both else (None, None)
    with pytest.raises(InputError, match="give the verified admissions: --admissions FILE or --activity DIR"):
        perf.admissions_from(file, activity, which="the verified")
    with pytest.raises(InputError, match="give the quarter's actual admissions"):
        perf.admissions_from(file, activity)


def test_a_file_alone_is_read_and_checked_as_a_file() -> None:
    with pytest.raises(ValidationFailed) as caught:
        perf.admissions_from(FIXTURES / "admissions_bad.csv", None)
    assert {(f.location.row, f.location.field) for f in caught.value.findings} == {
        (3, "admissions"), (4, "area_code"), (4, "quarter")}
