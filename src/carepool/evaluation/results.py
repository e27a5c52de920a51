"""Small typed result records shared by the estimators, and their JSON-ready form."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
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
    se_basis: str = "analytic"      # how the SE (and so the interval) was obtained, said in every summary

    @classmethod
    def normal(cls, effect: float, se: float | None, crit: float = Z95, *,
               se_basis: str = "analytic") -> Estimate:
        """Wald interval and p-value from a normal approximation."""
        if se is None or not math.isfinite(se) or se <= 0:
            return cls(float(effect), se, None, None, None, se_basis)
        p = float(2 * stats.norm.sf(abs(effect) / se))
        return cls(float(effect), float(se), float(effect - crit * se), float(effect + crit * se), p, se_basis)

    def based_on(self, se_basis: str) -> Estimate:
        """The same estimate with the basis of its SE named."""
        return dataclasses.replace(self, se_basis=se_basis)

    def describe(self) -> str:
        """One line: effect, SE and its basis, 95% interval, p-value."""
        ci = (f"[{self.ci_low:.4g}, {self.ci_high:.4g}]" if self.ci_low is not None and self.ci_high is not None
              else "n/a")
        se = f"{self.se:.4g}" if self.se is not None else "n/a"
        p = f"{self.p_value:.3g}" if self.p_value is not None else "n/a"
        return f"effect {self.effect:.4g}, SE {se} ({self.se_basis}), 95% CI {ci}, p {p}"


class EffectTable:
    """What every estimator's result offers: per-period effects as a frame, and a printable summary.

    Shaped after pyfixest's ``tidy()``/``summary()`` and CausalPy's ``summary()``: the numbers stay
    on the result, and callers (the CLI, the report) print ``summary()`` instead of formatting fields.
    """

    effects_by_period: tuple[PeriodEffect, ...]
    estimate: Estimate

    def headline(self) -> str:
        """What ``estimate`` measures, in words (each result says its own)."""
        return "effect"

    def details(self) -> list[str]:
        """Lines a result adds to its summary beyond the headline (design facts, other estimates)."""
        return []

    def to_frame(self) -> pd.DataFrame:
        """One row per period: period, effect, se, ci_low, ci_high."""
        rows = [{"period": e.period, "effect": e.effect, "se": e.se, "ci_low": e.ci_low, "ci_high": e.ci_high}
                for e in self.effects_by_period]
        return pd.DataFrame(rows, columns=["period", "effect", "se", "ci_low", "ci_high"])

    def summary(self) -> str:
        """Headline estimate first, then the design's details, one per line."""
        return "\n".join([f"{self.headline()}: {self.estimate.describe()}", *self.details()])


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
