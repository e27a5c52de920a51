"""The HWB scorecard: evidence of effective system management combined into a ranking with
confidence, by the documented, configurable method in ``data/scorecard.yaml``.

Inputs are plain records (one ``AreaEvidence`` per area, each indicator a value and a
standard error, or None when the evidence is missing). The point ranking uses the values;
a parametric bootstrap over the standard errors gives score and rank intervals, so noisier
evidence gives wider intervals. Missing evidence is handled by the method's stated policy and
reported per area, never silently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from carepool.errors import ConfigurationError

METHOD_FILE = Path(__file__).parent / "data" / "scorecard.yaml"
NORMALISATIONS = ("proportion", "band", "minmax", "zscore")
MISSING = ("reweight", "zero", "exclude")


@dataclass(frozen=True, slots=True)
class Indicator:
    value: float
    se: float = 0.0        # standard error: the indicator's uncertainty


@dataclass(frozen=True, slots=True)
class AreaEvidence:
    area_code: str
    indicators: Mapping[str, Indicator | None]


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    id: str
    name: str
    weight: float
    normalise: str
    direction: str = "increase"
    tolerance: float = 0.1


@dataclass(frozen=True)
class Method:
    id: str
    indicators: tuple[IndicatorSpec, ...]
    missing: str
    draws: int
    seed: int
    level: float
    outcome_scores: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AreaScore:
    area_code: str
    score: float | None          # None when excluded for missing evidence
    rank: int | None
    score_interval: tuple[float, float] | None
    rank_interval: tuple[int, int] | None
    missing: tuple[str, ...]
    coverage: float              # share of the total weight with evidence


def load_method(path: Path = METHOD_FILE) -> Method:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{path}: cannot read the scorecard method: {exc}") from exc
    return parse_method(raw, str(path))


def parse_method(raw: Any, where: str) -> Method:
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), dict) or not raw["indicators"]:
        raise ConfigurationError(f"{where}: needs a mapping of indicators")
    specs: list[IndicatorSpec] = []
    for key, item in raw["indicators"].items():
        if not isinstance(item, dict):
            raise ConfigurationError(f"{where}.indicators.{key}: expected a mapping")
        spec = IndicatorSpec(str(key), str(item.get("name", key)), float(item.get("weight", 1)),
                             str(item.get("normalise", "proportion")), str(item.get("direction", "increase")),
                             float(item.get("tolerance", 0.1)))
        if spec.weight < 0 or spec.normalise not in NORMALISATIONS or spec.direction not in ("increase", "decrease"):
            raise ConfigurationError(f"{where}.indicators.{key}: weight >= 0, normalise one of "
                                     f"{', '.join(NORMALISATIONS)}, direction increase or decrease")
        if spec.normalise == "band" and spec.tolerance <= 0:
            raise ConfigurationError(f"{where}.indicators.{key}.tolerance: must be positive")
        specs.append(spec)
    if sum(s.weight for s in specs) <= 0:
        raise ConfigurationError(f"{where}: the weights must not all be zero")
    missing = str(raw.get("missing", "reweight"))
    if missing not in MISSING:
        raise ConfigurationError(f"{where}.missing: one of {', '.join(MISSING)}")
    boot = raw.get("bootstrap") or {}
    level = float(boot.get("level", 0.9))
    if not 0 < level < 1:
        raise ConfigurationError(f"{where}.bootstrap.level: between 0 and 1")
    return Method(str(raw.get("id", "scorecard")), tuple(specs), missing, int(boot.get("draws", 400)),
                  int(boot.get("seed", 0)), level,
                  {str(k): float(v) for k, v in (raw.get("outcome_scores") or {}).items()})


def with_weights(method: Method, weights: Mapping[str, float]) -> Method:
    """The same method with some weights changed (for sensitivity analysis)."""
    specs = tuple(IndicatorSpec(s.id, s.name, float(weights.get(s.id, s.weight)), s.normalise, s.direction,
                                s.tolerance) for s in method.indicators)
    return Method(method.id, specs, method.missing, method.draws, method.seed, method.level, method.outcome_scores)


FloatArray = npt.NDArray[np.float64]


def _normalise(spec: IndicatorSpec, values: FloatArray) -> FloatArray:
    """Scores in [0, 1] for one indicator across areas (NaN stays NaN: missing)."""
    present = ~np.isnan(values)
    out = np.full(values.shape, np.nan)
    if spec.normalise == "proportion":
        out[present] = np.clip(values[present], 0.0, 1.0)
    elif spec.normalise == "band":
        out[present] = np.clip(1.0 - np.abs(values[present] - 1.0) / spec.tolerance, 0.0, 1.0)
    elif present.any():
        v = values[present]
        if spec.normalise == "minmax":
            span = float(v.max() - v.min())
            out[present] = 0.5 if span == 0 else (v - v.min()) / span
        else:
            sd = float(v.std())
            z = np.zeros_like(v) if sd == 0 else (v - v.mean()) / sd
            out[present] = np.array([0.5 * (1 + math.erf(x / math.sqrt(2))) for x in z])
    if spec.direction == "decrease" and spec.normalise != "band":
        out[present] = 1.0 - out[present]
    return out


def _composite(method: Method, values: FloatArray) -> FloatArray:
    """Composite score per area (rows) from raw indicator values (columns)."""
    scores = np.column_stack([_normalise(s, values[:, j]) for j, s in enumerate(method.indicators)])
    weights = np.array([s.weight for s in method.indicators])
    missing = np.isnan(scores)
    if method.missing == "zero":
        return np.asarray((np.where(missing, 0.0, scores) * weights).sum(axis=1) / weights.sum(), dtype=np.float64)
    present_weight = (~missing * weights).sum(axis=1)
    total = (np.where(missing, 0.0, scores) * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(present_weight > 0, total / present_weight, np.nan)
    if method.missing == "exclude":
        result = np.where(missing[:, weights > 0].any(axis=1), np.nan, result)
    return np.asarray(result, dtype=np.float64)


def _ranks(scores: FloatArray) -> FloatArray:
    """1 = best; NaN scores get no rank. Ties broken by order (stable)."""
    ranks = np.full(scores.shape, np.nan)
    order = [i for i in np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable") if not np.isnan(scores[i])]
    for r, i in enumerate(order, start=1):
        ranks[i] = r
    return ranks


def score_areas(evidence: Sequence[AreaEvidence], method: Method) -> list[AreaScore]:
    """The ranking with confidence intervals, best first (excluded areas last)."""
    ids = [s.id for s in method.indicators]
    n = len(evidence)
    values = np.full((n, len(ids)), np.nan)
    ses = np.zeros((n, len(ids)))
    for i, area in enumerate(evidence):
        for j, key in enumerate(ids):
            ind = area.indicators.get(key)
            if ind is not None:
                values[i, j], ses[i, j] = ind.value, max(ind.se, 0.0)
    point = _composite(method, values)
    ranks = _ranks(point)
    rng = np.random.default_rng(method.seed)
    draws_s = np.empty((method.draws, n))
    draws_r = np.empty((method.draws, n))
    for d in range(method.draws):
        noisy = values + rng.standard_normal(values.shape) * ses
        draws_s[d] = _composite(method, noisy)
        draws_r[d] = _ranks(draws_s[d])
    lo, hi = (1 - method.level) / 2 * 100, (1 + method.level) / 2 * 100
    total_weight = sum(s.weight for s in method.indicators)
    out: list[AreaScore] = []
    for i, area in enumerate(evidence):
        missing = tuple(k for k in ids if area.indicators.get(k) is None)
        coverage = sum(s.weight for s in method.indicators if s.id not in missing) / total_weight
        if np.isnan(point[i]):
            out.append(AreaScore(area.area_code, None, None, None, None, missing, coverage))
            continue
        s_lo, s_hi = np.nanpercentile(draws_s[:, i], [lo, hi])
        r_lo, r_hi = np.nanpercentile(draws_r[:, i], [lo, hi])
        out.append(AreaScore(area.area_code, float(point[i]), int(ranks[i]), (float(s_lo), float(s_hi)),
                             (math.floor(r_lo), math.ceil(r_hi)), missing, coverage))
    return sorted(out, key=lambda a: (a.rank is None, a.rank or 0, a.area_code))


def as_rows(scores: Sequence[AreaScore]) -> list[dict[str, Any]]:
    return [{"area_code": s.area_code, "rank": s.rank, "score": None if s.score is None else round(s.score, 4),
             "score_interval": None if s.score_interval is None else [round(x, 4) for x in s.score_interval],
             "rank_interval": None if s.rank_interval is None else list(s.rank_interval),
             "missing": list(s.missing), "coverage": round(s.coverage, 3)} for s in scores]
