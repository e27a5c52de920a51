"""A trained linkage model kept as Splink's own JSON: settings and trained parameters together.

Splink's ``save_model_to_json`` output names every comparison, its levels (with their SQL and
labels), the prior and each level's m and u, so a saved model is self-describing: another
analyst, or Splink itself, can read it without carepool. carepool's engine-neutral
:class:`~carepool.linkage.probabilistic.Model` is derived from that JSON and written back into
it, so the file and the model never disagree. A level that training could not estimate is
reported as a finding, never filled in silently.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.findings import Finding, warning

MAX_MODEL_BYTES = 2_000_000   # a Splink model of a few comparisons is a few tens of kilobytes


def non_null_levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")]


def untrained_levels(settings: dict[str, Any]) -> tuple[str, ...]:
    """'comparison: level label' of every non-null level with no m or no u probability."""
    missing: list[str] = []
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name", "?")
        for index, level in enumerate(non_null_levels(comparison)):
            gaps = [p for p in ("m", "u") if level.get(f"{p}_probability") is None]
            if gaps:
                label = level.get("label_for_charts") or f"level {index}"
                missing.append(f"{name}: {label} (no {' or '.join(gaps)} estimated)")
    return tuple(missing)


def untrained_findings(untrained: tuple[str, ...], floor: float) -> list[Finding]:
    """One warning per level training could not estimate (it is scored with ``floor`` instead)."""
    return [warning("linkage.untrained",
                    f"comparison level {level} was not trained on these files (too few pairs); it was scored "
                    f"with probability {floor:g}: review its links or train on a larger sample",
                    field=level.split(":", 1)[0])
            for level in untrained]


def with_parameters(settings: dict[str, Any], prior: float, m: dict[str, list[float]],
                    u: dict[str, list[float]]) -> dict[str, Any]:
    """A copy of Splink's settings with the prior and each named comparison's m and u set."""
    out = copy.deepcopy(settings)
    out["probability_two_random_records_match"] = prior
    for comparison in out.get("comparisons", []):
        name = comparison.get("output_column_name")
        if name not in m:
            continue
        for level, m_value, u_value in zip(non_null_levels(comparison), m[name], u[name], strict=True):
            level["m_probability"], level["u_probability"] = m_value, u_value
    return out


def merged(settings: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """``settings`` plus the comparisons of ``other`` it does not have (by output column name)."""
    out = copy.deepcopy(settings)
    have = {c.get("output_column_name") for c in out.get("comparisons", [])}
    out["comparisons"] = [*out.get("comparisons", []),
                          *(copy.deepcopy(c) for c in other.get("comparisons", [])
                            if c.get("output_column_name") not in have)]
    return out


def write_settings(settings: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")
    return path


def read_settings(path: Path) -> dict[str, Any]:
    """A saved model's JSON, checked for what scoring needs; every problem names the file and key."""
    where = str(path)
    if not path.is_file():
        raise InputError("no such model file", where=where)
    if path.stat().st_size > MAX_MODEL_BYTES:
        raise InputError(f"model file is larger than {MAX_MODEL_BYTES:,} bytes", where=where)
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON Splink model: {exc}", where=where) from None
    if not isinstance(settings, dict):
        raise InputError("not a JSON Splink model (expected an object)", where=where)
    prior = settings.get("probability_two_random_records_match")
    if not isinstance(prior, int | float) or not 0 < prior < 1:
        raise InputError("probability_two_random_records_match must be a number between 0 and 1",
                         where=f"{where}: probability_two_random_records_match")
    comparisons = settings.get("comparisons")
    if not isinstance(comparisons, list) or not comparisons:
        raise InputError("the model has no comparisons", where=f"{where}: comparisons")
    for index, comparison in enumerate(comparisons):
        if not isinstance(comparison, dict) or not comparison.get("output_column_name") \
                or not isinstance(comparison.get("comparison_levels"), list):
            raise InputError("each comparison needs output_column_name and comparison_levels",
                             where=f"{where}: comparisons[{index}]")
    gaps = untrained_levels(settings)
    if gaps:
        raise InputError(f"the saved model has untrained levels: {'; '.join(gaps)}", where=where)
    return settings
