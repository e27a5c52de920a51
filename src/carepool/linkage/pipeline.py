"""Link two person files: the exact NHS-number pass, then Splink for the rest.

Steps, each a function of frames (as splink's are of tables): prepare both files under
the field mapping; link on valid NHS numbers whose date of birth or surname agrees; score
the remaining records with Splink; score the exact pass's conflicts (same number,
different date of birth and surname) with the full model, the shared number counted as a
pipeline without the exact pass counts it; resolve to at most one partner per record, best
weight first (the model is trained on DuckDB and can score on Spark); accept pairs at or
above ``accept_weight``, queue ``review_weight`` <= weight < ``accept_weight`` (and every
conflict below ``accept_weight``) for clerical review; give every accepted pair a linked
person id.
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
from carepool.linkage.model_file import merged, untrained_findings
from carepool.linkage.prepare import ID, prepare_pair
from carepool.linkage.probabilistic import (
    FLOOR,
    Model,
    Training,
    fit,
    score,
    score_pairs,
    train_from_labels,
    with_identifier_m,
)
from carepool.linkage.quality import QualityReport, report

MIN_LABELLED = 200  # fewer exact links than this: train by expectation maximisation instead
LINK_COLUMNS = ["person_id", "left_id", "right_id", "match_weight", "match_probability", "method"]
REVIEW_COLUMNS = ["left_id", "right_id", "match_weight", "match_probability", "reason"]
CHECKED = "nhs_number_checked"  # a conflict of the exact pass linked on the full model's weight
CONFLICT = "same NHS number, but date of birth and surname both differ"


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
    model_findings: list[Finding] = field(default_factory=list)   # levels training could not estimate


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


def check_conflicts(conflicts: pd.DataFrame, exact_links: pd.DataFrame, left: pd.DataFrame,
                    right: pd.DataFrame, roles: Collection[str], db_api: Any, model: Model | None) -> pd.DataFrame:
    """Score the exact pass's conflicts with the full model, the shared number included.

    A conflict shares a valid NHS number but differs in date of birth and surname: either
    one person with two keying errors, or a number keyed against the wrong person. The
    exact pass does not take the number's word for it; the pair is scored on every role
    the model has (names, date of birth, sex, postcode and the NHS number), exactly the
    evidence a pipeline without the exact pass weighs, and then treated like any other
    scored pair (linked at the accept weight, otherwise reviewed). Every distinct conflict
    comes back with its weight; the weight is NaN (so it can only be reviewed) when the
    exact pass already linked one of its records to someone else, or there is no model or
    no role to score.
    """
    out = conflicts[REVIEW_COLUMNS[:2]].drop_duplicates().reset_index(drop=True)
    free = out[~out["left_id"].isin(exact_links["left_id"]) & ~out["right_id"].isin(exact_links["right_id"])]
    scored_roles = [r for r in roles if model is not None and r in model.m]
    if free.empty or model is None or not scored_roles:
        return out.assign(match_weight=float("nan"), match_probability=float("nan"))
    weights = score_pairs(left, right, free, scored_roles, db_api, model=model)
    return out.merge(weights, on=["left_id", "right_id"], how="left")


def number_agreement(exact_links: pd.DataFrame, candidates: pd.DataFrame, left: pd.DataFrame,
                     right: pd.DataFrame, accept_weight: float) -> float:
    """How often a true match's two valid NHS numbers agree (m of the number's agree level).

    The exact links are matches that agree; the records left for Splink hold the ones that
    disagree: pairs linked on the other details alone whose two valid numbers differ.
    """
    strong = candidates.loc[candidates["match_weight"] >= accept_weight, ["left_id", "right_id"]]
    numbers = strong.merge(left[[ID, "nhs_number"]].rename(columns={ID: "left_id"}), on="left_id").merge(
        right[[ID, "nhs_number"]].rename(columns={ID: "right_id"}), on="right_id", suffixes=("_l", "_r"))
    differ = int((numbers["nhs_number_l"].notna() & numbers["nhs_number_r"].notna()
                  & (numbers["nhs_number_l"] != numbers["nhs_number_r"])).sum())
    agree = len(exact_links)
    return agree / (agree + differ) if agree + differ else 0.5


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
    # Every NHS-number agreement left is a conflict, so the rest is scored on demographics;
    # the conflicts are scored with the number as well (check_conflicts).
    rest_roles = [r for r in roles if r != "nhs_number"] if from_labels else list(roles)
    # Training reads a bounded sample, so it runs on DuckDB even when Spark does the scoring.
    trainer = backend("duckdb") if engine == "spark" else db_api
    prior_here = trained_here = False
    if model is None and from_labels:
        model, prior_here, trained_here = train_from_labels(lp.frame, rp.frame, rest_roles, trainer,
                                                            training=training), True, True
    elif model is None and not (rest_left.empty or rest_right.empty):
        model = fit(rest_left, rest_right, rest_roles, trainer, training=training)
    scored = score(rest_left, rest_right, rest_roles, db_api, threshold_match_weight=thresholds.review_weight,
                   training=training, model=model, estimate_prior=prior_here)
    full = scored.model
    if full is not None and model is not None:  # keep the number's parameters beside the rest's
        full = replace(full, m={**model.m, **full.m}, u={**model.u, **full.u},
                       settings=merged(full.settings, model.settings),
                       untrained=tuple(dict.fromkeys(model.untrained + full.untrained)))
        if trained_here:
            full = with_identifier_m(full, "nhs_number", number_agreement(
                exact_links, scored.pairs, rest_left, rest_right, thresholds.accept_weight))
    checked = check_conflicts(conflicts, exact_links, rest_left, rest_right, roles, db_api, full)
    candidates = scored.pairs.merge(checked[["left_id", "right_id"]], how="left", indicator=True)
    candidates = candidates[candidates.pop("_merge") == "left_only"]  # a conflict keeps its full weight
    checked_keys = set(zip(checked["left_id"], checked["right_id"], strict=True))
    scoreable = checked[checked["match_weight"].notna()]
    chosen = one_to_one(pd.concat([candidates, scoreable[candidates.columns]], ignore_index=True)
                        if len(scoreable) else candidates)
    is_conflict = pd.Series([(a, b) in checked_keys for a, b in zip(chosen["left_id"], chosen["right_id"],
                                                                     strict=True)], index=chosen.index, dtype=bool)
    seconds["probabilistic"] = time.perf_counter() - started

    accept = chosen["match_weight"] >= thresholds.accept_weight
    accepted = chosen[accept].assign(method=is_conflict[accept].map({True: CHECKED, False: "splink"}))
    uncertain = chosen[~accept & ~is_conflict].assign(
        reason=f"match weight below {thresholds.accept_weight:g}: needs a person to decide")
    held = checked[~checked["left_id"].isin(accepted["left_id"])]
    held = held.assign(reason=held["match_weight"].notna().map({
        True: f"{CONFLICT}, and with the number counted the pair scores below {thresholds.accept_weight:g}",
        False: f"{CONFLICT}, and one of the records is linked to someone else or cannot be scored"}))
    links = pd.concat([exact_links, accepted], ignore_index=True) if len(exact_links) else accepted
    links = links.assign(person_id=[person_id(a, b) for a, b in zip(links["left_id"], links["right_id"],
                                                                    strict=True)])
    links = links[LINK_COLUMNS].sort_values("left_id").reset_index(drop=True)
    review = pd.concat([held[REVIEW_COLUMNS], uncertain[REVIEW_COLUMNS]], ignore_index=True)
    review = review[~review["left_id"].isin(links["left_id"])].reset_index(drop=True)
    unmatched = sorted(set(lp.frame[ID]) - set(links["left_id"]) - set(review["left_id"]))
    quality = report(links, review, len(unmatched), truth)
    untrained = untrained_findings(full.untrained, FLOOR) if full is not None else []
    return LinkageResult(links, review, unmatched, lp.findings + rp.findings, quality, full, excluded,
                         seconds, untrained)
