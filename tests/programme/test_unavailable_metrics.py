"""The programme files and the metrics engine agree on which metrics are unavailable (BCF5: no
national definition, a locally chosen experience measure, never computed)."""

from pathlib import Path

import pytest

from carepool.metrics import definitions
from carepool.metrics.ids import UNAVAILABLE_IDS
from carepool.programme import available_programmes, load_programme
from carepool.programme.load import ProgrammeFileError, years_dir
from carepool.programme.model import UNAVAILABLE


def test_every_year_marks_exactly_the_engines_unavailable_metrics() -> None:
    assert set(definitions.UNAVAILABLE) == UNAVAILABLE_IDS
    listed = [(y, m) for y in available_programmes() for m in load_programme(y).metrics]
    bcf5 = [(y, m) for y, m in listed if m.code == "BCF5"]
    assert [y for y, _ in bcf5] == ["bcf-2015-16", "bcf-2016-17"]
    assert all(m.status == UNAVAILABLE and m.unit == "local" for _, m in bcf5)
    assert all(m.status != UNAVAILABLE for _, m in listed if m.code not in UNAVAILABLE_IDS)


@pytest.mark.parametrize(("old", "new", "why"), [
    ("    unit: local\n    status: unavailable\n", "    unit: score\n", "mark it status: unavailable"),
    ("  - code: BCF4\n", "  - code: BCF4\n    status: unavailable\n", "it is not unavailable"),
])
def test_a_file_that_disagrees_is_refused_at_the_metric(tmp_path: Path, old: str, new: str, why: str) -> None:
    text = (years_dir() / "bcf-2015-16.yaml").read_text()
    assert text.count(old) == 1
    path = tmp_path / "disagrees.yaml"
    path.write_text(text.replace(old, new))
    with pytest.raises(ProgrammeFileError) as info:
        load_programme(str(path))
    (finding,) = info.value.findings
    assert finding.rule == "FORMAT-METRIC" and why in finding.message
    assert finding.location.field is not None and finding.location.field.startswith("metrics[")
