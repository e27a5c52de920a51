"""Link two person files: the exact NHS-number pass, then Splink for the rest.

Steps, each a function of frames (as splink's are of tables): prepare both files under
the field mapping; link on valid NHS numbers; score the remaining records with Splink;
resolve to at most one partner per record, best weight first (the model is trained on
DuckDB and can score on Spark); accept pairs at or above
``accept_weight``, queue ``review_weight`` <= weight < ``accept_weight`` for clerical
review; give every accepted pair a linked person id.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from carepool.findings import Finding
from carepool.linkage.engines import backend
from carepool.linkage.exact import exact_pass
from carepool.linkage.mapping import FieldMapping
from carepool.linkage.prepare import ID, prepare_pair
from carepool.linkage.probabilistic import Model, Training, fit, score, train_from_labels
from carepool.linkage.quality import QualityReport, report

MIN_LABELLED = 200  # fewer exact links than this: train by expectation maximisation instead
LINK_COLUMNS = ["person_id", "left_id", "right_id", "match_weight", "match_probability", "method"]
REVIEW_COLUMNS = ["left_id", "right_id", "match_weight", "match_probability", "reason"]


@dataclass(frozen=True)
class Thresholds:
    accept_weight: float = 6.0
    review_weight: float = 0.0


@dataclass(frozen=True)
class LinkageResult:
    links: pd.DataFrame            # LINK_COLUMNS
    review: pd.DataFrame           # REVIEW_COLUMNS: the clerical-review queue
    unmatched_left: list[str]
    findings: list[Finding]        # invalid NHS numbers etc. (reported, never dropped)
    quality: QualityReport
    model: Model | None = None     # the trained parameters, reusable on another engine
    excluded: int = 0              # records left out because the person objected
    seconds: dict[str, float] = field(default_factory=dict)


def person_id(left_id: str, right_id: str) -> str:
    """A stable id for the linked person, derived from the pair (not from any identifier value)."""
    return "P" + hashlib.sha256(f"{left_id}\x1f{right_id}".encode()).hexdigest()[:15]


def one_to_one(candidates: pd.DataFrame) -> pd.DataFrame:
    """Each record keeps at most one partner: greedily the highest weight first."""
    ordered = candidates.sort_values(["match_weight", "left_id", "right_id"], ascending=[False, True, True])
    used_left: set[str] = set()
    used_right: set[str] = set()
    keep = []
    for index, left_id, right_id in zip(ordered.index, ordered["left_id"], ordered["right_id"], strict=True):
        if left_id in used_left or right_id in used_right:
            continue
        used_left.add(left_id)
        used_right.add(right_id)
        keep.append(index)
    return ordered.loc[keep]


def link_frames(left: pd.DataFrame, right: pd.DataFrame, mapping: FieldMapping, *,
                engine: str = "duckdb", exact_first: bool = True, thresholds: Thresholds | None = None,
                training: Training | None = None, model: Model | None = None,
                truth: Iterable[tuple[str, str]] | None = None,
                db_api: Any = None, left_name: str = "left", right_name: str = "right",
                exclude_nhs: Collection[str] = ()) -> LinkageResult:
    """Link ``left`` to ``right`` (raw person frames) under ``mapping``.

    ``exclude_nhs`` (normalised NHS numbers of objectors, for a secondary-use linkage) are
    taken out of both files before anything is compared, so they cannot appear in any output.
    """
    thresholds = thresholds or Thresholds()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    lp, rp = prepare_pair(left, right, mapping, left_name=left_name, right_name=right_name)
    excluded = 0
    if exclude_nhs and "nhs_number" in lp.frame:
        drop_l, drop_r = lp.frame["nhs_number"].isin(exclude_nhs), rp.frame["nhs_number"].isin(exclude_nhs)
        excluded = int(drop_l.sum() + drop_r.sum())
        lp = replace(lp, frame=lp.frame[~drop_l].reset_index(drop=True))
        rp = replace(rp, frame=rp.frame[~drop_r].reset_index(drop=True))
    seconds["prepare"] = time.perf_counter() - started

    started = time.perf_counter()
    if exact_first:
        exact = exact_pass(lp.frame, rp.frame)
        exact_links = one_to_one(exact.links).assign(method="nhs_number")
        conflicts = exact.conflicts
    else:
        exact_links = pd.DataFrame(columns=[*REVIEW_COLUMNS[:-1], "method"])
        conflicts = pd.DataFrame(columns=REVIEW_COLUMNS)
    rest_left = lp.frame[~lp.frame[ID].isin(exact_links["left_id"])]
    rest_right = rp.frame[~rp.frame[ID].isin(exact_links["right_id"])]
    seconds["exact"] = time.perf_counter() - started

    started = time.perf_counter()
    db_api = db_api or backend(engine)
    roles = mapping.roles
    from_labels = exact_first and "nhs_number" in roles and len(exact_links) >= MIN_LABELLED
    if from_labels:  # every NHS-number agreement left is a conflict: compare demographics only
        roles = [r for r in roles if r != "nhs_number"]
    # Training reads a bounded sample, so it runs on DuckDB even when Spark does the scoring.
    trainer = backend("duckdb") if engine == "spark" else db_api
    prior_here = False
    if model is None and from_labels:
        model, prior_here = train_from_labels(lp.frame, rp.frame, roles, trainer, training=training), True
    elif model is None and not (rest_left.empty or rest_right.empty):
        model = fit(rest_left, rest_right, roles, trainer, training=training)
    scored = score(rest_left, rest_right, roles, db_api, threshold_match_weight=thresholds.review_weight,
                   training=training, model=model, estimate_prior=prior_here)
    chosen = one_to_one(scored.pairs)
    seconds["probabilistic"] = time.perf_counter() - started

    accepted = chosen[chosen["match_weight"] >= thresholds.accept_weight].assign(method="splink")
    uncertain = chosen[chosen["match_weight"] < thresholds.accept_weight].assign(
        reason=f"match weight below {thresholds.accept_weight:g}: needs a person to decide")
    links = pd.concat([exact_links, accepted], ignore_index=True) if len(exact_links) else accepted
    links = links.assign(person_id=[person_id(a, b) for a, b in zip(links["left_id"], links["right_id"],
                                                                    strict=True)])
    links = links[LINK_COLUMNS].sort_values("left_id").reset_index(drop=True)
    review = pd.concat([conflicts[REVIEW_COLUMNS], uncertain[REVIEW_COLUMNS]], ignore_index=True)
    review = review[~review["left_id"].isin(links["left_id"])].reset_index(drop=True)
    unmatched = sorted(set(lp.frame[ID]) - set(links["left_id"]) - set(review["left_id"]))
    quality = report(links, review, len(unmatched), truth)
    return LinkageResult(links, review, unmatched, lp.findings + rp.findings, quality, scored.model, excluded,
                         seconds)
