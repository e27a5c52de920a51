"""The four 2015 Integrated Personal Commissioning cohorts, read from ``data/cohorts.yaml``.

Cohort names are published; the mixes, need categories and cost ranges in the file are
illustrative assumptions used only to generate demo people, and are labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carepool.errors import ConfigurationError, NotFound

COHORTS_FILE = Path(__file__).parent / "data" / "cohorts.yaml"


@dataclass(frozen=True, slots=True)
class Cohort:
    id: str
    name: str
    weight: int
    age_range: tuple[int, int]
    needs: tuple[tuple[str, int, int], ...]   # need category, low and high annual cost in pounds
    contribution_rate: tuple[int, int]        # % of the care element, low and high


@lru_cache(maxsize=4)
def load_cohorts(path: Path = COHORTS_FILE) -> tuple[Cohort, ...]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return tuple(_cohort(c) for c in raw["cohorts"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: cannot read the cohorts: {exc}") from exc


def _cohort(raw: dict[str, Any]) -> Cohort:
    low_age, high_age = raw["age_range"]
    low_c, high_c = raw["contribution_rate"]
    needs = tuple((str(k), int(v[0]), int(v[1])) for k, v in raw["needs"].items())
    if any(lo > hi or lo < 0 for _, lo, hi in needs):
        raise ValueError(f"cohort {raw['id']}: a cost range is reversed or negative")
    return Cohort(str(raw["id"]), str(raw["name"]), int(raw["weight"]), (int(low_age), int(high_age)),
                  needs, (int(low_c), int(high_c)))


def cohort(cohort_id: str) -> Cohort:
    for c in load_cohorts():
        if c.id == cohort_id:
            return c
    raise NotFound(f"unknown cohort '{cohort_id}' (known: {', '.join(c.id for c in load_cohorts())})")
