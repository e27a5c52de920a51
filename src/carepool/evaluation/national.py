"""The national evaluation of the fund's first year on the real published series.

Every area started pooling in April 2015, so there is no untreated area to compare with.
What the real data alone supports is an interrupted time series of England (and of each
metric's area total). Comparisons between areas need a contrast in how much areas pooled:
given per-area doses (share of budget pooled), areas above the median dose are compared with
the rest by synthetic control, staggered DiD and controlled ITS. Doses in the demo are
illustrative (generated plans), and the result says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from carepool.errors import InputError
from carepool.evaluation.did import DidResult, callaway_santanna
from carepool.evaluation.its import ItsResult, interrupted_time_series
from carepool.evaluation.panel import Panel
from carepool.evaluation.real_panels import METRICS, RealSeries, months_between, real_series
from carepool.evaluation.scm import SyntheticControlResult, synthetic_control
from carepool.reference import load_reference

FUND_START = "2015-04"


@dataclass(frozen=True)
class MetricEvaluation:
    """All designs for one metric; the dose-contrast designs are None without doses."""

    metric: str
    source: str
    its_england: ItsResult
    scm: SyntheticControlResult | None
    did: DidResult | None
    controlled_its: ItsResult | None
    high_dose_areas: tuple[str, ...]
    excluded_areas: tuple[str, ...]


@dataclass(frozen=True)
class NationalEvaluation:
    start: str
    first: str
    last: str
    doses_basis: str            # "none", or what the doses are (e.g. "illustrative demo plans")
    metrics: dict[str, MetricEvaluation]
    notes: tuple[str, ...]


def national_evaluation(doses: Mapping[str, float] | None = None, *, doses_basis: str = "given",
                        metrics: tuple[str, ...] = METRICS, first: str = "2012-04",
                        last: str = "2017-03", start: str = FUND_START,
                        placebos: bool = True) -> NationalEvaluation:
    """Run ITS on England and, with ``doses``, the high- versus low-pooling designs."""
    notes = ["England series are the published England rows (April 2012 onwards).",
             "Area admissions start April 2013: the MAR is by PCT before then, and area values for PCT months are "
             "only estimates."]
    if doses is not None:
        unknown = sorted(set(doses) - set(load_reference().areas))
        if unknown:
            raise InputError(f"doses name unknown area code(s) {', '.join(unknown[:5])}")
        notes.append(f"Dose contrast (high versus low share pooled) uses doses that are: {doses_basis}.")
    out = {}
    for metric in metrics:
        series = real_series(metric, first, last)
        eng_periods = _months(series, first)
        its = interrupted_time_series(eng_periods, series.england, start, outcome=metric,
                                      family="negbin", seasonality="month")
        scm = did = cits = None
        high: tuple[str, ...] = ()
        if doses is not None:
            scm, did, cits, high = _dose_contrast(series, doses, start, placebos)
        out[metric] = MetricEvaluation(metric, series.source, its, scm, did, cits, high,
                                       series.excluded_areas)
    return NationalEvaluation(start, first, last, doses_basis if doses is not None else "none", out,
                              tuple(notes))


def _months(series: RealSeries, first: str) -> tuple[str, ...]:
    return months_between(first, str(series.panel.periods[-1]))


def _dose_contrast(series: RealSeries, doses: Mapping[str, float], start: str, placebos: bool
                   ) -> tuple[SyntheticControlResult, DidResult, ItsResult, tuple[str, ...]]:
    ref = load_reference()
    panel = series.panel
    units = [u for u in panel.units if u in doses]
    if len(units) < 6:
        raise InputError(f"doses cover only {len(units)} areas with complete {series.metric} data")
    idx = [panel.index_of_unit(u) for u in units]
    pop = np.array([ref.areas[u].population_all_ages for u in units], dtype=float)
    rate = panel.outcome[idx] / pop[:, None] * 100_000
    cut = float(np.median([doses[u] for u in units]))
    high = tuple(u for u in units if doses[u] > cut)
    if not high or len(high) == len(units):
        raise InputError("doses do not separate areas: every area pooled the same share")
    rates = Panel(tuple(units), panel.periods, f"{series.metric}_per_100k", rate,
                  tuple(start if u in high else None for u in units))
    scm = synthetic_control(rates, high, start, placebos=placebos)
    did = callaway_santanna(rates, control="never", aggregation="dynamic")
    is_high = np.array([u in high for u in units])
    cits = interrupted_time_series(
        panel.periods, panel.outcome[idx][is_high].sum(axis=0), start,
        outcome=series.metric, family="negbin",
        offset=np.full(len(panel.periods), pop[is_high].sum()),
        comparison=panel.outcome[idx][~is_high].sum(axis=0),
        comparison_offset=np.full(len(panel.periods), pop[~is_high].sum()))
    return scm, did, cits, high
