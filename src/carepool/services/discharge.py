"""Use case: the ICB discharge sitrep as Making Data Count charts, per ICB, England and plan area.

The sitrep (April 2022 - August 2025) is read once through the validating loader
(``engines.sitrep``); its quirks are findings, shown beside the charts, never smoothed. An area's
series is apportioned from its ICBs by the HWB x ICB resident shares, and every such chart says
so. The SPC is ``metrics.spc`` (the same XmR the published-series charts use).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from carepool.engines.sitrep import ENGLAND, load_sitrep
from carepool.errors import NotFound
from carepool.exchange.charts import chart_format, write_spc_chart
from carepool.findings import Finding
from carepool.metrics.spc import Improvement, SpcOptions, SpcResult, parse_date, xmr

# measure -> (what it counts, which way is better)
MEASURES: dict[str, tuple[str, Improvement]] = {
    "discharged_total": ("Patients discharged from acute hospital, per day", Improvement.NEUTRAL),
    "do_not_meet_criteria_to_reside": ("Patients who no longer meet the criteria to reside, per day",
                                       Improvement.DECREASE),
}
FIRST_CURRENT_YEAR = 2022   # the sitrep starts in April 2022


@dataclass(frozen=True)
class DischargeChart:
    """One measure's XmR chart for an ICB, England or (apportioned) a plan area."""

    measure: str
    name: str
    place: str            # ICB code, E92000001 or the area code
    apportioned: bool     # True when built from ICB figures by resident shares
    months: tuple[str, ...]
    result: SpcResult


def is_current_year(year_id: str) -> bool:
    """True for a programme year the sitrep covers or follows ('bcf-2023-25', 'bcf-2025-26', ...)."""
    digits = "".join(ch for ch in year_id if ch.isdigit())[:4]
    return len(digits) == 4 and int(digits) >= FIRST_CURRENT_YEAR


def _chart(measure: str, place: str, series: dict[str, float], apportioned: bool) -> DischargeChart:
    if measure not in MEASURES:
        raise NotFound(f"no sitrep measure '{measure}' (known: {', '.join(MEASURES)})")
    if len(series) < 2:
        raise NotFound(f"the sitrep has fewer than two months of {measure} for {place}")
    months = tuple(sorted(series))
    name, improvement = MEASURES[measure]
    result = xmr([parse_date(m) for m in months], [series[m] for m in months], SpcOptions(improvement=improvement))
    return DischargeChart(measure, name, place, apportioned, months, result)


def icb_chart(measure: str, icb: str = ENGLAND) -> DischargeChart:
    """The daily mean by month for an ICB, or England (the sum of the ICBs present)."""
    sitrep = load_sitrep()
    if icb != ENGLAND and icb not in sitrep.icbs:
        raise NotFound(f"ICB {icb} is not in the discharge sitrep")
    return _chart(measure, icb, sitrep.series(measure, icb), apportioned=False)


@lru_cache(maxsize=512)
def area_chart(area_code: str, measure: str) -> DischargeChart:
    """An area's apportioned daily mean by month (months where one of its ICBs is missing are left out)."""
    return _chart(measure, area_code, load_sitrep().apportioned(measure, area_code), apportioned=True)


def icb_charts(measure: str) -> dict[str, DischargeChart]:
    """Every ICB's chart and England's, keyed by ICB code (E92000001 for England)."""
    sitrep = load_sitrep()
    return {place: icb_chart(measure, place) for place in (ENGLAND, *sitrep.icbs)}


def quirks() -> tuple[Finding, ...]:
    """What was found reading the sitrep (missing day, missing ICB, the split that stops, ...)."""
    return load_sitrep().findings


def write_chart(chart: DischargeChart, out: Path) -> Path:
    """The chart as a picture (.png or .svg), titled with its place and, if so, 'apportioned'."""
    chart_format(out)
    label = "England" if chart.place == ENGLAND else chart.place
    title = f"{chart.name}: {label}" + (" (apportioned from ICBs)" if chart.apportioned else "")
    return write_spc_chart(chart.result, out, title=title, y_label="daily mean", x_label="month")
