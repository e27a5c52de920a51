"""The probabilistic pass: a Fellegi-Sunter model trained and scored by Splink.

Comparisons follow the canonical roles of the field mapping (names by Jaro-Winkler,
date of birth by distance, postcode by sector and district, sex and NHS number exactly);
blocking keeps the candidate pairs to people who share a date of birth, a name or a
postcode. Parameters are estimated without labels: u by random sampling, m by
expectation maximisation on two different blocks, so every comparison is trained once.
A trained :class:`Model` is engine-neutral (m and u per level), so a model trained on
DuckDB can score on Spark, and the same model gives the same pairs on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from carepool.linkage.model_file import read_settings, untrained_levels, with_parameters, write_settings
from carepool.linkage.prepare import ID

OUT_COLUMNS = ["left_id", "right_id", "match_weight", "match_probability"]


@dataclass(frozen=True)
class Training:
    """How hard to train; small numbers keep tests fast, the defaults suit real files."""

    max_pairs_u: float = 2e6
    seed: int = 42
    recall: float = 0.7
    max_iterations: int = 25


@dataclass(frozen=True)
class Model:
    """Trained Fellegi-Sunter parameters: the prior, and m and u of each non-null level by role.

    ``settings`` is Splink's own JSON of the model (comparisons, levels, SQL, labels) that the
    parameters came from; ``save`` writes it with these parameters, so the file is what Splink
    itself would save. ``untrained`` names each level training could not estimate.
    """

    prior: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    settings: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    untrained: tuple[str, ...] = ()

    def splink_json(self) -> dict[str, Any]:
        """Splink's settings with this model's prior, m and u written into them."""
        return with_parameters(self.settings, self.prior, self.m, self.u)

    def save(self, path: Path) -> Path:
        """Write the model as Splink's JSON (readable by ``load_model`` and by Splink)."""
        return write_settings(self.splink_json(), path)


def load_model(path: Path) -> Model:
    """A model saved by ``Model.save`` (or by Splink); refused with the place if it is unusable."""
    return _model_from(read_settings(path))


@dataclass(frozen=True)
class Scored:
    pairs: pd.DataFrame   # OUT_COLUMNS
    model: Model | None


def _name(base: str) -> str:
    """A fresh table name: a Spark session keeps registered tables between linkers."""
    return f"{base}_{uuid.uuid4().hex[:8]}"


def _register(db_api: Any, frame: pd.DataFrame, columns: Sequence[str], side: str) -> Any:
    """Register ``frame[columns]`` under a fresh table name and a fixed display name.

    Splink's random sampling picks records by a hash of (display name, id, seed), so the
    display name must not change between runs (or between the two pipelines of the
    benchmark) for a seeded sample to be the same sample; the table name only has to be new.
    """
    return db_api.register(frame[list(dict.fromkeys(columns))], table_name=_name(f"cp_{side}"),
                           dataset_display_name=side)


FLOOR = 1e-6  # a level never seen in training still needs a probability Splink can use


def _model_from(settings: dict[str, Any]) -> Model:
    m: dict[str, list[float]] = {}
    u: dict[str, list[float]] = {}
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        name = comparison["output_column_name"]
        m[name] = [max(float(lv.get("m_probability") or FLOOR), FLOOR) for lv in levels]
        u[name] = [max(float(lv.get("u_probability") or FLOOR), FLOOR) for lv in levels]
    return Model(float(settings["probability_two_random_records_match"]), m, u, settings,
                 untrained_levels(settings))


def _comparisons(roles: Sequence[str], model: Model | None = None) -> list[Any]:
    made = _bare_comparisons(roles)
    if model is not None:
        made = [c.configure(m_probabilities=model.m[r], u_probabilities=model.u[r])
                for c, r in zip(made, roles, strict=True)]
    return made


def _bare_comparisons(roles: Sequence[str]) -> list[Any]:
    import splink.comparison_library as cl

    made: list[Any] = []
    for role in roles:
        if role in ("first_name", "surname"):
            made.append(cl.NameComparison(role))
        elif role == "dob":
            made.append(cl.DateOfBirthComparison(role, input_is_string=True))
        elif role == "postcode":
            made.append(cl.PostcodeComparison(role))
        elif role in ("sex", "nhs_number"):
            made.append(cl.ExactMatch(role))
        else:
            made.append(cl.JaroWinklerAtThresholds(role, [0.9, 0.7]))
    return made


def _blocking(roles: Sequence[str]) -> list[Any]:
    from splink import block_on

    have = set(roles)
    candidates = [("dob",), ("surname", "first_name"), ("postcode", "surname"), ("postcode", "first_name"),
                  ("nhs_number",)]
    rules = [block_on(*cols) for cols in candidates if set(cols) <= have]
    if not rules:
        rules = [block_on(r) for r in roles if not r.startswith("x_")][:2] or [block_on(roles[0])]
    return rules


def _deterministic(roles: Sequence[str]) -> list[Any]:
    have = set(roles)
    if {"dob", "surname"} <= have:
        return ["l.dob = r.dob and l.surname = r.surname"]
    if "nhs_number" in have:
        return ["l.nhs_number = r.nhs_number"]
    return [f"l.{roles[0]} = r.{roles[0]}"]


EM_BLOCKS = (("dob",), ("first_name", "surname"), ("postcode", "surname"), ("surname",), ("postcode",))


def _em_blocks(roles: Sequence[str]) -> list[tuple[str, ...]]:
    """Blocks for the two EM sessions, tightest standard pair first (Splink's own examples).

    Each session estimates every comparison but its blocked columns, so two different
    blocks train everything. A block on one name alone (about 190 distinct surnames) grows
    with the square of the files: 24 million pairs at 50,000 x 100,000 and 10 billion at
    1,000,000 x 2,000,000; date of birth and first name with surname give well under one
    pair in a million of the cross product and still hold tens of thousands of matches.
    """
    have = set(roles)
    return [b for b in EM_BLOCKS if set(b) <= have]


def _train(linker: Any, roles: Sequence[str], training: Training) -> None:
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(_deterministic(roles), recall=training.recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=training.max_pairs_u, seed=training.seed)
    for cols in _em_blocks(roles)[:2]:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), estimate_without_term_frequencies=True)
        except ValueError:  # too few pairs in a small file to estimate every level: keep the rest
            continue


def _settings(roles: Sequence[str], model: Model | None, training: Training,
              blocking: list[Any] | None = None) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name=ID,
        comparisons=_comparisons(roles, model),
        blocking_rules_to_generate_predictions=blocking if blocking is not None else _blocking(roles),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=training.max_iterations,
        probability_two_random_records_match=model.prior if model else 0.0001,
    )


def fit(left: pd.DataFrame, right: pd.DataFrame, roles: Sequence[str], db_api: Any, *,
        training: Training | None = None) -> Model:
    """Every parameter estimated without labels: prior, u by sampling, m by EM."""
    from splink import Linker

    training = training or Training()
    tables = [_register(db_api, left, [ID, *roles], "left"), _register(db_api, right, [ID, *roles], "right")]
    linker = Linker(tables, _settings(roles, None, training), log_level=None)
    _train(linker, roles, training)
    return _model_from(linker.misc.save_model_to_json())


def train_from_labels(left: pd.DataFrame, right: pd.DataFrame, roles: Sequence[str], db_api: Any, *,
                      label: str = "nhs_number", training: Training | None = None) -> Model:
    """m from pairs the exact pass proved (same valid ``label``), u by random sampling.

    Labelled pairs are true matches, so m needs no expectation maximisation; this is
    what the exact pass gives the probabilistic one besides fewer records. ``label`` is
    compared too (u from the same seeded sample), so the model can score a pair on the
    shared number as a pipeline without the exact pass would; its m from the labels is
    trivially "always agrees", so callers replace it (see ``with_identifier_m``).
    """
    from splink import Linker

    training = training or Training()
    compared = [*roles, label] if label not in roles else list(roles)
    tables = [_register(db_api, left, [ID, *compared], "left"), _register(db_api, right, [ID, *compared], "right")]
    linker = Linker(tables, _settings(compared, None, training), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=training.max_pairs_u, seed=training.seed)
    linker.training.estimate_m_from_label_column(label)
    return _model_from(linker.misc.save_model_to_json())


def with_identifier_m(model: Model, role: str, agree: float) -> Model:
    """``model`` with m of an exact-match ``role`` set to (agree, 1 - agree), kept off 0 and 1."""
    agree = min(max(agree, FLOOR), 1.0 - FLOOR)
    return replace(model, m={**model.m, role: [agree, 1.0 - agree]},
                   untrained=tuple(u for u in model.untrained if not u.startswith(f"{role}:")))


def score(left: pd.DataFrame, right: pd.DataFrame, roles: Sequence[str], db_api: Any, *,
          threshold_match_weight: float, training: Training | None = None,
          model: Model | None = None, estimate_prior: bool = False) -> Scored:
    """Candidate pairs (``left_id``, ``right_id``) at or above the threshold, with weights.

    With ``model`` the m and u are used as given (the prior too, unless ``estimate_prior``:
    then it is estimated for these files); without, everything is estimated from these
    files. The model used is returned for reuse.
    """
    if left.empty or right.empty:
        return Scored(pd.DataFrame(columns=OUT_COLUMNS), model)
    from splink import Linker

    training = training or Training()
    tables = [_register(db_api, left, [ID, *roles], "left"), _register(db_api, right, [ID, *roles], "right")]
    linker = Linker(tables, _settings(roles, model, training), log_level=None)
    if model is None:
        _train(linker, roles, training)
    elif estimate_prior:
        linker.training.estimate_probability_two_random_records_match(_deterministic(roles),
                                                                      recall=training.recall)
    model = _model_from(linker.misc.save_model_to_json())
    predicted = linker.inference.predict(threshold_match_weight=threshold_match_weight, warning_mode="never")
    return Scored(_pairs(predicted.as_pandas_dataframe(), tables[0]), model)  # type: ignore[no-untyped-call]


def _pairs(frame: pd.DataFrame, left_table: Any) -> pd.DataFrame:
    """Splink's predictions as OUT_COLUMNS, the left file's id always in ``left_id``."""
    left_is_l = frame["source_dataset_l"] == left_table.dataset_display_name
    return pd.DataFrame({
        "left_id": frame[f"{ID}_l"].where(left_is_l, frame[f"{ID}_r"]).astype(str),
        "right_id": frame[f"{ID}_r"].where(left_is_l, frame[f"{ID}_l"]).astype(str),
        "match_weight": frame["match_weight"].astype(float),
        "match_probability": frame["match_probability"].astype(float),
    }, columns=OUT_COLUMNS)


def score_pairs(left: pd.DataFrame, right: pd.DataFrame, pairs: pd.DataFrame, roles: Sequence[str],
                db_api: Any, *, model: Model, key: str = "nhs_number") -> pd.DataFrame:
    """Weights by ``model`` on ``roles`` for the given pairs, which agree on ``key``.

    Every pair is scored: blocking is on ``key`` only and there is no threshold, so a pair
    the demographic blocking rules would never have proposed still gets its weight.
    ``key`` is compared only when it is one of ``roles``. The result holds ``pairs``'
    rows, in OUT_COLUMNS.
    """
    if pairs.empty:
        return pd.DataFrame(columns=OUT_COLUMNS)
    from splink import Linker, block_on

    left = left[left[ID].isin(pairs["left_id"])]
    right = right[right[ID].isin(pairs["right_id"])]
    tables = [_register(db_api, left, [ID, key, *roles], "left"),
              _register(db_api, right, [ID, key, *roles], "right")]
    linker = Linker(tables, _settings(roles, model, Training(), blocking=[block_on(key)]), log_level=None)
    predicted = linker.inference.predict(warning_mode="never")
    found = _pairs(predicted.as_pandas_dataframe(), tables[0])  # type: ignore[no-untyped-call]
    return pairs[["left_id", "right_id"]].merge(found, on=["left_id", "right_id"], how="inner")[OUT_COLUMNS]


def count_comparisons(left: pd.DataFrame, right: pd.DataFrame, roles: Sequence[str], db_api: Any, *,
                      sample: float = 1.0) -> dict[str, int]:
    """Pairs Splink would compare: ``predict`` under the prediction blocking rules (each pair
    once), and each EM session's block (``em <columns>``), counted by Splink itself.

    ``sample`` < 1 lets Splink estimate the counts from that share of records on each side.
    """
    from splink import block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    tables = [_register(db_api, left, [ID, *roles], "left"), _register(db_api, right, [ID, *roles], "right")]

    def total(rules: list[Any]) -> int:
        counted = count_comparisons_from_blocking_rules(tables, blocking_rules=rules, link_type="link_only",
                                                        unique_id_column_name=ID, record_sample_proportion=sample)
        return int(counted[-1]["cumulative_comparison_count"]) if counted else 0

    out = {"predict": total(_blocking(roles))}
    for cols in _em_blocks(roles)[:2]:
        out[f"em {'+'.join(cols)}"] = total([block_on(*cols)])
    return out
