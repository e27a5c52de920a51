import random

from carepool.linkage.synthetic import synthetic_files, valid_nhs_numbers
from carepool.sharing.nhs_number import is_valid, normalise


def test_files_truth_and_realistic_errors() -> None:
    files = synthetic_files(400, 800, seed=5)
    sc, health = files.social_care, files.health
    assert len(sc) == 400 and sc["person_ref"].is_unique and health["health_id"].is_unique
    assert 0.9 * 400 < len(files.truth) <= 400
    assert all(is_valid(n) for n in health["nhs_number"])
    missing = (sc["nhs_no"] == "").mean()
    invalid = sum(1 for n in sc["nhs_no"] if n and not is_valid(n)) / 400
    assert 0.15 < missing < 0.35 and 0.01 < invalid < 0.1
    assert any(" " in n for n in sc["nhs_no"])  # written with spaces, still valid
    by_id = health.set_index("health_id")
    moved = sum(sc.set_index("person_ref").loc[s, "post_code"] != by_id.loc[h, "postcode"] for s, h in files.truth)
    assert moved > 20
    nicknames = {"bob", "bill", "liz", "peggy", "jim", "jack", "tom", "kate", "sue", "mike", "dave"}
    assert any(name.lower() in nicknames for name in sc["first_name"])


def test_reproducible_and_leaves_global_random_alone() -> None:
    random.seed(99)
    expected = random.random()
    random.seed(99)
    first = synthetic_files(50, 100, seed=3)
    assert random.random() == expected
    second = synthetic_files(50, 100, seed=3)
    assert first.social_care.equals(second.social_care) and first.truth == second.truth
    numbers = valid_nhs_numbers(500, seed=1)
    assert len(set(numbers)) == 500 and all(normalise(n) == n for n in numbers)
