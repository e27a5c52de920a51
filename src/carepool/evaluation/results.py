"""Small typed result records shared by the estimators, and their JSON-ready form."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class PeriodEffect:
    """The effect at one period (calendar period, or event time for event studies)."""

    period: int | str
    effect: float
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Estimate:
    """One effect with its standard error, 95% interval and two-sided p-value."""

    effect: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    @classmethod
    def normal(cls, effect: float, se: float | None, crit: float = Z95) -> Estimate:
        """Wald interval and p-value from a normal approximation."""
        if se is None or not math.isfinite(se) or se <= 0:
            return cls(float(effect), se, None, None, None)
        p = float(2 * stats.norm.sf(abs(effect) / se))
        return cls(float(effect), float(se), float(effect - crit * se), float(effect + crit * se), p)


def to_jsonable(value: Any) -> Any:
    """Dataclasses, numpy values and tuples as plain JSON types (NaN becomes None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
