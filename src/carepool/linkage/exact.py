"""The exact pass: records that carry the same valid NHS number are the same person.

It runs first because it is cheap and almost always right, and it takes both records out
of the harder probabilistic pass. "Almost": a number keyed against the wrong person is
still a valid number, so a pair whose date of birth and surname both disagree is not
linked here: it is a conflict, which the pipeline scores with the full trained model
(names, date of birth, sex, postcode and the shared number, the evidence a pipeline
without the exact pass would weigh), links if that clears the accept weight, and
otherwise queues for clerical review.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carepool.linkage.prepare import ID

# Exact NHS-number links carry this weight: beyond any probabilistic score Splink gives
# (about 2^30 : 1), so thresholds and distributions treat them as certain.
EXACT_WEIGHT = 30.0


@dataclass(frozen=True)
class ExactResult:
    links: pd.DataFrame       # left_id, right_id, match_weight, match_probability
    conflicts: pd.DataFrame   # same number, different person by date of birth and surname


def _corroborated(pairs: pd.DataFrame, role: str) -> pd.Series:
    if f"{role}_l" not in pairs:
        return pd.Series(False, index=pairs.index)
    return (pairs[f"{role}_l"] == pairs[f"{role}_r"]).fillna(False).astype(bool)


def exact_pass(left: pd.DataFrame, right: pd.DataFrame) -> ExactResult:
    """Pairs joined on normalised, valid NHS numbers (invalid ones were set to None)."""
    empty = pd.DataFrame(columns=["left_id", "right_id", "match_weight", "match_probability"])
    if "nhs_number" not in left or "nhs_number" not in right:
        return ExactResult(empty, empty.assign(reason=pd.Series(dtype=str)))
    checks = [r for r in ("dob", "surname") if r in left and r in right]
    pairs = left.loc[left["nhs_number"].notna(), [ID, "nhs_number", *checks]].merge(
        right.loc[right["nhs_number"].notna(), [ID, "nhs_number", *checks]],
        on="nhs_number", suffixes=("_l", "_r"),
    )
    agree = pd.Series(not checks, index=pairs.index)
    for role in checks:
        agree |= _corroborated(pairs, role)
    out = pd.DataFrame({"left_id": pairs[f"{ID}_l"], "right_id": pairs[f"{ID}_r"],
                        "match_weight": EXACT_WEIGHT, "match_probability": 1.0})
    conflicts = out[~agree].assign(reason="same NHS number, but date of birth and surname both differ")
    return ExactResult(out[agree].reset_index(drop=True), conflicts.reset_index(drop=True))
