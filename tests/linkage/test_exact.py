import pandas as pd

from carepool.linkage.exact import EXACT_WEIGHT, exact_pass


def test_same_number_links_unless_date_of_birth_and_surname_both_disagree() -> None:
    left = pd.DataFrame({"unique_id": ["a", "b", "c"], "nhs_number": ["9434765919", "9434765870", None],
                         "surname": ["smith", "jones", "brown"], "dob": ["1950-01-01", "1960-01-01", "1970-01-01"]})
    right = pd.DataFrame({"unique_id": ["x", "y", "z"], "nhs_number": ["9434765919", "9434765870", None],
                          "surname": ["smyth", "patel", "brown"], "dob": ["1950-01-01", "1999-09-09", "1970-01-01"]})
    result = exact_pass(left, right)
    assert list(zip(result.links["left_id"], result.links["right_id"], strict=True)) == [("a", "x")]
    assert set(result.links["match_weight"]) == {EXACT_WEIGHT}
    assert list(result.conflicts["left_id"]) == ["b"]  # same number, different person: a human decides
