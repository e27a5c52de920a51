"""Use case: the analyst's view of any area and metric: the year's metrics, which of them carepool
holds a published monthly series for, and that series as a Making Data Count (XmR) chart.

Only published series are charted: BCF1 and BCF4 of the 2015-16 to 2019-20 programmes (the Monthly
Activity Return's non-elective admissions and the delayed transfers of care days, the dashboard's
series) and, from 2022-23, the ICB discharge sitrep's measures apportioned to the area. A metric of
the year with no published series carepool holds is listed with that said, never drawn from
generated data.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.errors import NotFound
from carepool.metrics.spc import SpcResult
from carepool.programme import load_programme
from carepool.services import dashboard, discharge
from carepool.services.spc_chart import points_csv

# metric code -> (the dashboard's series key, what the series is)
PUBLISHED: dict[str, tuple[str, str]] = {
    "BCF1": ("admissions", "Monthly Activity Return, non-elective (general and acute) admissions: a monthly count"),
    "BCF4": ("delayed", "Delayed transfers of care, days delayed: a monthly count"),
}
SITREP_PREFIX = "sitrep."


@dataclass(frozen=True)
class SeriesChoice:
    """One thing an analyst may chart: a metric of the year, or a published series beside them."""

    id: str
    name: str
    source: str          # the published series it is drawn from, or why there is none
    held: bool           # whether carepool holds a published monthly series for it
    better: str          # "lower", "higher" or "either"


@dataclass(frozen=True)
class AreaSeriesChart:
    choice: SeriesChoice
    area: str
    months: tuple[str, ...]
    result: SpcResult


def choices(year: str) -> list[SeriesChoice]:
    """The year's metrics (held or not), then the published series that sit beside them."""
    programme = load_programme(year)
    out = []
    for m in programme.metrics:
        better = "lower" if m.improvement == "decrease" else "higher"
        if m.code in PUBLISHED:
            out.append(SeriesChoice(m.code, m.name, PUBLISHED[m.code][1], True, better))
        else:
            out.append(SeriesChoice(m.code, m.name, "carepool holds no published monthly series for this metric; "
                                    "compute it from person-level data with carepool metrics compute", False, better))
    if discharge.is_current_year(year):
        for measure, (name, improvement) in discharge.MEASURES.items():
            better = {"decrease": "lower", "increase": "higher"}.get(improvement.value, "either")
            out.append(SeriesChoice(f"{SITREP_PREFIX}{measure}", name, "NHS England acute discharge situation report "
                                    "(daily mean by month), apportioned from the area's ICBs by resident shares",
                                    True, better))
    return out


def choice(year: str, series_id: str) -> SeriesChoice:
    for c in choices(year):
        if c.id == series_id:
            return c
    known = ", ".join(c.id for c in choices(year))
    raise NotFound(f"{year} has no metric or published series '{series_id}' (known: {known})")


def area_chart(year: str, series_id: str, area: str) -> AreaSeriesChart:
    """The XmR chart of ``series_id`` for ``area``; NotFound, saying why, when there is none."""
    chosen = choice(year, series_id)
    if not chosen.held:
        raise NotFound(f"{chosen.id} ({chosen.name}): {chosen.source}")
    if chosen.id.startswith(SITREP_PREFIX):
        sitrep = discharge.area_chart(area, chosen.id.removeprefix(SITREP_PREFIX))
        return AreaSeriesChart(chosen, area, sitrep.months, sitrep.result)
    charts = dashboard.area_charts()[PUBLISHED[chosen.id][0]]
    if area not in charts:
        raise NotFound(f"the published series for {chosen.id} has no months for area {area}")
    result = charts[area]
    return AreaSeriesChart(chosen, area, tuple(p.date.strftime("%Y-%m") for p in result.points), result)


def chart_csv(chart: AreaSeriesChart, year: str) -> str:
    """The chart's points as CSV (formula-neutralised), each row naming the year, area and series."""
    return points_csv(chart.result, {"programme_year": year, "area": chart.area, "series": chart.choice.id,
                                     "series_name": chart.choice.name})
