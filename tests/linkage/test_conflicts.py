"""Same valid NHS number, but date of birth and surname both differ: scored by the full model.

A conflict is either one person with two keying errors or a number keyed against the
wrong person. The exact pass does not link it on the number's word; the pipeline scores
it with the trained model on names, date of birth, sex, postcode *and* the shared number
(the evidence a pipeline without the exact pass weighs): a conflict that clears the
accept weight is linked, any other waits for a person in the review queue.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from carepool.linkage import LinkageResult, build, link_frames
from carepool.linkage.pipeline import CHECKED, check_conflicts
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, SyntheticFiles

from .conftest import FAST


def _clean_pairs(files: SyntheticFiles) -> list[tuple[str, str]]:
    """True pairs whose social care record agrees with the health record on every field."""
    sc = files.social_care.set_index("person_ref")
    health = files.health.set_index("health_id")
    clean = []
    for left, right in sorted(files.truth):
        s, h = sc.loc[left], health.loc[right]
        if (s["nhs_no"] == h["nhs_number"] and s["first_name"].lower() == h["forename"].lower()
                and s["last_name"].lower() == h["surname"].lower() and s["birth_date"] == h["date_of_birth"]
                and s["post_code"] == h["postcode"]):
            clean.append((left, right))
    return clean


@pytest.fixture(scope="module")
def conflicted(synthetic: SyntheticFiles) -> tuple[LinkageResult, tuple[str, str], tuple[str, str]]:
    """The synthetic files with two clean true pairs turned into conflicts.

    ``strong``: the same person, with the year of birth keyed one out and a letter dropped
    from the surname; first name, sex and postcode still agree. ``weak``: the number keyed
    against someone else entirely (another name, date of birth and postcode).
    """
    strong, weak = _clean_pairs(synthetic)[:2]
    social = synthetic.social_care.copy()
    rows = social.set_index("person_ref").index
    i, j = rows.get_loc(strong[0]), rows.get_loc(weak[0])
    year, rest = social.at[i, "birth_date"].split("-", 1)
    social.at[i, "birth_date"] = f"{int(year) + 1}-{rest}"
    surname = social.at[i, "last_name"]
    social.at[i, "last_name"] = surname[:2] + surname[3:]
    other = "Zebedee" if social.at[j, "first_name"] != "Zebedee" else "Quentin"
    social.loc[j, ["first_name", "last_name", "birth_date", "post_code"]] = [other, "Xylophone", "1901-02-03",
                                                                             "ZZ9 9ZZ"]
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    result = link_frames(social, synthetic.health, mapping, truth=synthetic.truth, training=FAST)
    return result, strong, weak


def test_a_conflict_with_strong_other_evidence_is_linked(
        conflicted: tuple[LinkageResult, tuple[str, str], tuple[str, str]]) -> None:
    result, strong, _ = conflicted
    row = result.links[result.links["left_id"] == strong[0]]
    assert list(zip(row["left_id"], row["right_id"], strict=True)) == [strong]
    assert row["method"].iloc[0] == CHECKED
    # its weight is the model's score, not the exact pass's certainty
    assert 6.0 <= row["match_weight"].iloc[0] < 30.0
    assert strong[0] not in set(result.review["left_id"])


def test_a_conflict_with_weak_other_evidence_waits_for_review(
        conflicted: tuple[LinkageResult, tuple[str, str], tuple[str, str]]) -> None:
    result, _, weak = conflicted
    assert weak[0] not in set(result.links["left_id"])
    assert weak[1] not in set(result.links["right_id"])
    queued = result.review[result.review["left_id"] == weak[0]]
    assert list(zip(queued["left_id"], queued["right_id"], strict=True)) == [weak]
    assert queued["reason"].iloc[0].startswith("same NHS number")
    assert queued["match_weight"].iloc[0] < 6.0


def test_the_model_carries_the_number_comparison(
        conflicted: tuple[LinkageResult, tuple[str, str], tuple[str, str]]) -> None:
    """u from the seeded random sample, m from how often true matches' valid numbers agree."""
    result, _, _ = conflicted
    assert result.model is not None
    m, u = result.model.m["nhs_number"], result.model.u["nhs_number"]
    assert len(m) == len(u) == 2
    assert 0.9 < m[0] < 1.0 and abs(sum(m) - 1.0) < 1e-9
    assert 0.0 < u[0] < 1e-2


def test_conflicts_are_scored_with_the_shared_number(
        conflicted: tuple[LinkageResult, tuple[str, str], tuple[str, str]], synthetic: SyntheticFiles) -> None:
    """The shared number adds exactly its Bayes factor, log2(m/u), to the other details' weight.

    A conflict whose other details alone score below the accept weight (a year and a
    surname keyed wrong, a move within the postcode district) is linked once the number counts, as a pipeline
    without the exact pass would link it.
    """
    import math

    from carepool.linkage.engines import backend
    from carepool.linkage.prepare import prepare_pair

    result, strong, _ = conflicted
    model = result.model
    assert model is not None
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    lp, rp = prepare_pair(synthetic.social_care, synthetic.health, mapping)
    is_strong = lp.frame["unique_id"] == strong[0]
    row = lp.frame[is_strong].iloc[0]
    year, rest = str(row["dob"]).split("-", 1)
    left = lp.frame.assign(dob=lp.frame["dob"].where(~is_strong, f"{int(year) + 1}-{rest}"),
                           surname=lp.frame["surname"].where(~is_strong, str(row["surname"])[:-1] + "q"),
                           postcode=lp.frame["postcode"].where(~is_strong, str(row["postcode"]).split()[0] + " 0ZZ"))
    conflicts = pd.DataFrame({"left_id": [strong[0]], "right_id": [strong[1]]})
    no_exact = pd.DataFrame(columns=["left_id", "right_id"])
    demographic = [r for r in mapping.roles if r != "nhs_number"]
    db_api = backend("duckdb")
    alone = check_conflicts(conflicts, no_exact, left, rp.frame, demographic, db_api, model)
    counted = check_conflicts(conflicts, no_exact, left, rp.frame, mapping.roles, db_api, model)
    number = math.log2(model.m["nhs_number"][0] / model.u["nhs_number"][0])
    assert counted["match_weight"].iloc[0] == pytest.approx(alone["match_weight"].iloc[0] + number, abs=1e-6)
    assert alone["match_weight"].iloc[0] < 6.0 <= counted["match_weight"].iloc[0]


def test_the_random_sample_is_seeded(synthetic: SyntheticFiles) -> None:
    """Two trainings on the same files give the same model, so benchmark runs are comparable."""
    from carepool.linkage.engines import backend
    from carepool.linkage.prepare import prepare_pair
    from carepool.linkage.probabilistic import fit

    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    lp, rp = prepare_pair(synthetic.social_care, synthetic.health, mapping)
    first, second = (fit(lp.frame, rp.frame, mapping.roles, backend("duckdb"), training=FAST) for _ in range(2))
    # the same sample gives the same parameters; DuckDB's parallel sums may differ in the last bit
    # (a different sample moves them in the third decimal place)
    for a, b in ((first.u, second.u), (first.m, second.m)):
        assert a.keys() == b.keys() and a, "parameters for some comparison"
        for name in a:
            assert a[name] == pytest.approx(b[name], rel=1e-12, abs=1e-15), name
    other = fit(lp.frame, rp.frame, mapping.roles, backend("duckdb"), training=replace(FAST, seed=FAST.seed + 1))
    assert any(other.u[name] != pytest.approx(first.u[name], rel=1e-6) for name in first.u), "another seed differs"


def test_no_model_keeps_every_conflict_for_review() -> None:
    conflicts = pd.DataFrame({"left_id": ["a"], "right_id": ["x"]})
    out = check_conflicts(conflicts, pd.DataFrame(columns=["left_id", "right_id"]), pd.DataFrame(),
                          pd.DataFrame(), ["surname"], None, None)
    assert list(out["left_id"]) == ["a"] and out["match_weight"].isna().all()


def test_a_conflict_whose_record_is_linked_elsewhere_is_not_scored_but_kept() -> None:
    """One number on two people: one agrees (exact link), the other's conflict stays for a person."""
    from carepool.linkage.probabilistic import Model

    model = Model(0.01, {"surname": [0.9, 0.1]}, {"surname": [0.01, 0.99]})
    conflicts = pd.DataFrame({"left_id": ["a", "a"], "right_id": ["x", "x"]})
    exact_links = pd.DataFrame({"left_id": ["b"], "right_id": ["x"]})
    out = check_conflicts(conflicts, exact_links, pd.DataFrame(), pd.DataFrame(), ["surname"], None, model)
    assert list(zip(out["left_id"], out["right_id"], strict=True)) == [("a", "x")]
    assert out["match_weight"].isna().all()
