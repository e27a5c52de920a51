"""The true effect planted in synthetic data, so an evaluation can be checked against it.

An effect multiplies one metric's events in one area from a start month on: a relative effect
of -0.05 means 5% fewer emergency admissions than the published baseline from that month. For
falls and avoidable admissions the effect scales the chance that an emergency spell is one (the
number of non-elective spells, BCF1's baseline, is unchanged).
Effects are plain data, parsed from "AREA:YYYY-MM:EFFECT[:METRIC]" and written beside the data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from carepool.errors import InputError

METRICS_WITH_EFFECTS = ("BCF1", "BCF4", "falls_admissions_65", "avoidable_admissions")
_SPEC = re.compile(r"^(?P<area>E\d{8}):(?P<start>\d{4}-\d{2}):(?P<effect>-?\d+(\.\d+)?)"
                   r"(:(?P<metric>BCF1|BCF4|falls_admissions_65|avoidable_admissions))?$")


@dataclass(frozen=True, slots=True)
class TrueEffect:
    """From ``start_month`` (YYYY-MM) on, ``metric`` events in ``area_code`` are x (1 + effect)."""

    area_code: str
    start_month: str
    relative_effect: float
    metric: str = "BCF1"

    def applies(self, month: str) -> bool:
        return month >= self.start_month

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def parse_effect(spec: str) -> TrueEffect:
    """'E08000009:2015-07:-0.05' or 'E08000009:2015-07:-0.05:BCF4'."""
    match = _SPEC.match(spec.strip())
    if not match:
        raise InputError(f"'{spec}' is not AREA:YYYY-MM:EFFECT[:METRIC] with METRIC one of "
                         f"{', '.join(METRICS_WITH_EFFECTS)} (e.g. E08000009:2015-07:-0.05)")
    effect = float(match["effect"])
    if not -0.9 <= effect <= 2.0:
        raise InputError(f"effect {effect} is outside -0.9 to 2.0 in '{spec}'")
    return TrueEffect(match["area"], match["start"], effect, match["metric"] or "BCF1")


def default_effects(area_codes: Sequence[str], seed: int, share: float = 0.2,
                    effect: float = -0.05) -> tuple[TrueEffect, ...]:
    """A seed-chosen fifth of areas with 5% fewer emergency admissions, starting in a quarter
    of 2015-16 (the fund's first year), so estimators have treated and untreated areas."""
    chooser = random.Random(seed)
    codes = sorted(area_codes)
    chosen = sorted(chooser.sample(codes, max(1, round(len(codes) * share)))) if codes else []
    starts = ("2015-04", "2015-07", "2015-10", "2016-01")
    return tuple(TrueEffect(code, chooser.choice(starts), effect) for code in chosen)


def effect_for(effects: Sequence[TrueEffect], area_code: str, metric: str) -> TrueEffect | None:
    """The effect planted in this area for this metric, if any (one per area and metric)."""
    found = [e for e in effects if e.area_code == area_code and e.metric == metric]
    if len(found) > 1:
        raise InputError(f"more than one {metric} effect for area {area_code}")
    return found[0] if found else None
