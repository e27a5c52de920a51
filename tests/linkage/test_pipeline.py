"""The whole linkage on a synthetic social care file against its health population."""

import pandas as pd

from carepool.linkage import LinkageResult
from carepool.linkage.pipeline import one_to_one, person_id
from carepool.linkage.synthetic import SyntheticFiles


def test_quality_against_the_truth(linked: LinkageResult) -> None:
    accuracy = linked.quality.accuracy
    assert accuracy is not None
    assert accuracy.precision >= 0.98
    assert accuracy.recall >= 0.95
    assert accuracy.f1 >= 0.97


def test_both_passes_contribute_and_exact_links_come_from_valid_numbers(linked: LinkageResult,
                                                                       synthetic: SyntheticFiles) -> None:
    by_method = linked.quality.by_method
    assert by_method["nhs_number"] > 300 and by_method["splink"] > 100
    sc = synthetic.social_care.set_index("person_ref")
    exact_ids = linked.links.loc[linked.links["method"] == "nhs_number", "left_id"]
    assert (sc.loc[exact_ids, "nhs_no"] != "").all()


def test_invalid_numbers_are_reported_and_those_people_still_linked(linked: LinkageResult,
                                                                   synthetic: SyntheticFiles) -> None:
    invalid_rows = [f.location.row for f in linked.findings if f.rule == "nhs-number-invalid"]
    assert len(invalid_rows) > 5
    invalid_ids = set(synthetic.social_care.iloc[[r - 2 for r in invalid_rows]]["person_ref"])
    splink_linked = set(linked.links.loc[linked.links["method"] == "splink", "left_id"])
    assert len(invalid_ids & splink_linked) >= 0.8 * len(invalid_ids)


def test_one_partner_each_and_stable_person_ids(linked: LinkageResult) -> None:
    links = linked.links
    assert links["left_id"].is_unique and links["right_id"].is_unique
    assert list(links["person_id"]) == [person_id(a, b) for a, b in zip(links["left_id"], links["right_id"],
                                                                         strict=True)]
    assert (links["match_weight"] >= 6).all()


def test_review_queue_holds_the_uncertain_band_only(linked: LinkageResult) -> None:
    review = linked.review
    assert set(review.columns) == {"left_id", "right_id", "match_weight", "match_probability", "reason"}
    probabilistic = review[~review["reason"].str.startswith("same NHS")]
    assert ((probabilistic["match_weight"] >= 0) & (probabilistic["match_weight"] < 6)).all()
    assert not set(review["left_id"]) & set(linked.links["left_id"])
    everyone = set(linked.links["left_id"]) | set(review["left_id"]) | set(linked.unmatched_left)
    assert len(everyone) == 600


def test_weight_histogram_counts_every_link(linked: LinkageResult) -> None:
    assert sum(count for _, count in linked.quality.weight_histogram) == len(linked.links)


def test_one_to_one_prefers_the_higher_weight() -> None:
    candidates = pd.DataFrame({"left_id": ["a", "a", "b"], "right_id": ["x", "y", "x"],
                               "match_weight": [5.0, 9.0, 8.0], "match_probability": [0.9, 0.99, 0.98]})
    kept = one_to_one(candidates)
    assert sorted(zip(kept["left_id"], kept["right_id"], strict=True)) == [("a", "y"), ("b", "x")]


def test_exact_links_train_the_model_and_bare_splink_still_links(linked: LinkageResult,
                                                                  synthetic: SyntheticFiles) -> None:
    from carepool.linkage import build, link_frames

    from .conftest import FAST

    # m came from exact-pass labels; the number's own parameters are kept to score conflicts with
    assert linked.model is not None and linked.model.m["nhs_number"][0] > 0.9
    mapping = build("person_ref", "health_id", {"nhs_no": "nhs_number", "last_name": "surname",
                                                "birth_date": "date_of_birth", "sex": "gender"})
    bare = link_frames(synthetic.social_care, synthetic.health, mapping, exact_first=False, training=FAST,
                       truth=synthetic.truth)
    assert bare.model is not None and "nhs_number" in bare.model.m
    assert set(bare.links["method"]) == {"splink"}
    assert bare.quality.accuracy is not None and bare.quality.accuracy.f1 >= 0.9
