"""The ICB discharge sitrep as the evaluation reads it: a plain data type, kept apart from the
estimators so the engine that builds it (``engines.sitrep``) loads no statistics libraries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SitrepSeries:
    """One sitrep measure as the evaluation needs it: ICB x month means of the daily count, ICB
    populations, and notes on what is missing (read by ``engines.sitrep.evaluation_series``)."""

    metric: str
    values: dict[tuple[str, str], float]     # (icb23 code, 'YYYY-MM') -> mean of daily counts
    population: dict[str, int]               # icb23 code -> Census 2021 usual residents
    names: dict[str, str]
    months: tuple[str, ...]
    notes: tuple[str, ...]

    def complete_icbs(self) -> tuple[str, ...]:
        """ICBs with a value in every month (the others are left out, and named in the notes)."""
        return tuple(sorted(c for c in self.population if all((c, m) in self.values for m in self.months)))
