"""A trained model is saved as Splink's own JSON, reloads to the same parameters, scores the same pairs,
and a level training could not estimate is a finding, never skipped silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from splink import SettingsCreator

from carepool.errors import InputError
from carepool.linkage import LinkageResult, build, link_frames, load_model
from carepool.linkage.model_file import untrained_findings, untrained_levels
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, SyntheticFiles

from .conftest import FAST


def test_saved_model_is_splink_json_and_reloads_to_the_same_parameters(linked: LinkageResult,
                                                                       tmp_path: Path) -> None:
    assert linked.model is not None
    path = linked.model.save(tmp_path / "model.json")
    saved = json.loads(path.read_text())
    names = {c["output_column_name"] for c in saved["comparisons"]}
    assert set(linked.model.m) == names and names         # the number's comparison is kept beside the rest
    assert saved["probability_two_random_records_match"] == linked.model.prior
    assert all("sql_condition" in lv for c in saved["comparisons"] for lv in c["comparison_levels"])
    again = load_model(path)
    assert (again.prior, again.m, again.u) == (linked.model.prior, linked.model.m, linked.model.u)
    # Splink itself reads the file: the same comparisons, levels and m probabilities
    read = SettingsCreator.from_path_or_dict(path).get_settings("duckdb")
    assert {c.output_column_name for c in read.comparisons} == names
    by_name = {c.output_column_name: c for c in read.comparisons}
    for name, m in linked.model.m.items():
        levels = [lv for lv in by_name[name].comparison_levels if not lv.is_null_level]
        assert [lv.m_probability for lv in levels] == pytest.approx(m)


def test_a_reloaded_model_scores_the_same_links(synthetic: SyntheticFiles, linked: LinkageResult,
                                                tmp_path: Path) -> None:
    assert linked.model is not None
    model = load_model(linked.model.save(tmp_path / "model.json"))
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    again = link_frames(synthetic.social_care, synthetic.health, mapping, model=model, training=FAST)
    ours = set(zip(linked.links["left_id"], linked.links["right_id"], strict=True))
    theirs = set(zip(again.links["left_id"], again.links["right_id"], strict=True))
    assert len(ours) > 300 and len(ours ^ theirs) <= len(ours) // 100


def test_untrained_levels_are_findings() -> None:
    settings = {"probability_two_random_records_match": 0.001, "comparisons": [
        {"output_column_name": "postcode", "comparison_levels": [
            {"is_null_level": True, "sql_condition": "x"},
            {"label_for_charts": "Exact match", "m_probability": 0.9, "u_probability": 0.01},
            {"label_for_charts": "Sector", "m_probability": None, "u_probability": 0.02},
            {"label_for_charts": "All other", "m_probability": 0.05, "u_probability": 0.9}]}]}
    gaps = untrained_levels(settings)
    assert gaps == ("postcode: Sector (no m estimated)",)
    [finding] = untrained_findings(gaps, 1e-6)
    assert finding.rule == "linkage.untrained" and "Sector" in finding.message
    assert finding.location.field == "postcode"


def test_tiny_files_report_what_they_could_not_train() -> None:
    from carepool.linkage.synthetic import synthetic_files

    files = synthetic_files(40, 60, seed=3)
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    result = link_frames(files.social_care, files.health, mapping, exact_first=False, training=FAST)
    assert result.model is not None
    assert [f.message for f in result.model_findings] == [
        f.message for f in untrained_findings(result.model.untrained, 1e-6)]
    assert result.model.untrained, "40 x 60 records cannot train every level of five comparisons"


@pytest.mark.parametrize(("content", "says"), [
    ("not json", "not a JSON Splink model"),
    ("[]", "expected an object"),
    ('{"probability_two_random_records_match": 2, "comparisons": []}', "between 0 and 1"),
    ('{"probability_two_random_records_match": 0.01, "comparisons": []}', "no comparisons"),
    ('{"probability_two_random_records_match": 0.01, "comparisons": [{"x": 1}]}', "comparisons[0]"),
])
def test_a_bad_model_file_is_refused_with_its_place(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError) as raised:
        load_model(path)
    assert says in str(raised.value) and "bad.json" in str(raised.value)
