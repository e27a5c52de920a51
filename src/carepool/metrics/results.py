"""From the engines' integer counts to rates, standardised rates and their intervals.

Written once in Python so every engine's counts become identical results. A crude rate is
numerator x scale / population; a directly standardised rate weights each ESP 2013 band's rate
by the band's standard population (Eurostat 2013) and divides by the weights' total; a share is
numerator x scale / row denominator; a mean is sum / count. Months and quarters use the
population of their financial year (per month or quarter, not annualised).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from carepool.metrics import intervals
from carepool.metrics.codelists import esp_bands
from carepool.metrics.definitions import MetricDefinition

RESULT_COLUMNS = ("metric", "grain", "period", "area_code", "numerator", "denominator", "value", "unit",
                  "lower", "upper", "interval")
ENGLAND = "E92000001"


@dataclass(frozen=True, slots=True)
class Counts:
    """One row from the engine: a metric's sums for one grain, period, area and band."""

    grain: str
    period: str
    fy: int
    area_code: str
    age_band: str
    numerator: int
    row_denominator: int
    sum_squares: int


Populations = Mapping[tuple[str, int, str], int]   # (area, mid-year, band) -> people


def with_england(populations: Iterable[tuple[str, int, str, int]]) -> dict[tuple[str, int, str], int]:
    """Population by (area, year, band), with England as the sum of areas."""
    out: dict[tuple[str, int, str], int] = {}
    england: dict[tuple[str, int, str], int] = {}
    for area, year, band, people in populations:
        out[(area, year, band)] = people
        england[(ENGLAND, year, band)] = england.get((ENGLAND, year, band), 0) + people
    out.update(england)
    return out


def _row(metric: MetricDefinition, c: Counts, numerator: int, denominator: int | None, value: float | None,
         limits: tuple[float, float] | None) -> dict[str, object]:
    return {"metric": metric.code, "grain": c.grain, "period": c.period, "area_code": c.area_code,
            "numerator": numerator, "denominator": denominator, "value": value, "unit": metric.unit,
            "lower": limits[0] if limits else None, "upper": limits[1] if limits else None,
            "interval": metric.interval if limits else None}


def _simple(metric: MetricDefinition, c: Counts, populations: Populations) -> dict[str, object]:
    if metric.population_band is not None:
        den = populations.get((c.area_code, c.fy, metric.population_band))
    else:
        den = c.row_denominator
    if not den:
        return _row(metric, c, c.numerator, den, None, None)
    value = c.numerator * metric.scale / den
    limits: tuple[float, float] | None = None
    if metric.interval == "byar":
        limits = intervals.crude_rate_interval(c.numerator, den, metric.scale)
    elif metric.interval == "wilson":
        limits = intervals.wilson_interval(c.numerator, den, metric.scale)
    elif metric.interval == "mean":
        limits = intervals.mean_interval(c.numerator, den, c.sum_squares)
    return _row(metric, c, c.numerator, den, value, limits)


def _standardised(metric: MetricDefinition, group: Sequence[Counts],
                  populations: Populations) -> dict[str, object]:
    """Directly standardised rate over ESP 2013 bands, with Dobson's interval."""
    first = group[0]
    events = {c.age_band: c.numerator for c in group}
    bands = esp_bands(metric.min_age)
    people = [populations.get((first.area_code, first.fy, b.label)) for b in bands]
    total_events = sum(events.values())
    if any(p is None or p <= 0 for p in people):
        return _row(metric, first, total_events, None, None, None)
    weights = sum(b.weight for b in bands)
    dsr = sum(b.weight * events.get(b.label, 0) / p for b, p in zip(bands, people, strict=True) if p)
    dsr = dsr / weights * metric.scale
    variance = sum(b.weight ** 2 * events.get(b.label, 0) / p ** 2 for b, p in zip(bands, people, strict=True) if p)
    variance = variance / weights ** 2 * metric.scale ** 2
    limits = intervals.dobson_interval(dsr, total_events, variance) if metric.interval == "dobson" else None
    return _row(metric, first, total_events, sum(p for p in people if p), dsr, limits)


def metric_rows(metric: MetricDefinition, counts: Iterable[Counts],
                populations: Populations) -> list[dict[str, object]]:
    """Result rows for one metric from its counts (one row per grain, period and area)."""
    if metric.standardisation == "none":
        return [_simple(metric, c, populations) for c in counts]
    groups: dict[tuple[str, str, str], list[Counts]] = {}
    for c in counts:
        groups.setdefault((c.grain, c.period, c.area_code), []).append(c)
    return [_standardised(metric, g, populations) for g in groups.values()]


def sort_key(row: Mapping[str, object]) -> tuple[str, str, str, str]:
    return (str(row["metric"]), str(row["grain"]), str(row["area_code"]), str(row["period"]))
