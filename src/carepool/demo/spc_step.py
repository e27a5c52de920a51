"""Demo step: SPC charts of real published series shipped in ``reference/data``.

England monthly delayed days (DTOC, the published England row), England monthly
non-elective admissions (MAR, the England row), and for Trafford and Manchester the
yearly ASCOF 2B(1) reablement and 2A(2) care-home admission figures. Financial years
("2014/15") are dated at their 1 April.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from carepool.engines.published import (
    ascof_greater_manchester,
    delayed_days_by_area_month,
    nonelective_by_area_month,
)
from carepool.errors import InputError
from carepool.exchange.charts import write_spc_chart
from carepool.metrics.spc import Improvement, SpcOptions, parse_date, xmr

GM_AREAS = ("Trafford", "Manchester")


@dataclass(frozen=True, slots=True)
class PublishedSeries:
    """A named series read from one shipped file."""

    slug: str
    title: str
    y_label: str
    improvement: Improvement
    points: tuple[tuple[date, float], ...]


def _financial_year(text: str) -> date:
    """'2014/15' -> 1 April 2014."""
    try:
        return date(int(text[:4]), 4, 1)
    except ValueError:
        raise InputError(f"unexpected financial year {text!r}") from None


def _monthly(england: dict[str, int], name: str) -> tuple[tuple[date, float], ...]:
    if not england:
        raise InputError("no England rows for the series", where=name)
    return tuple(sorted((parse_date(month), float(value)) for month, value in england.items()))


def _yearly(ascof: pa.Table, area: str, measure: str) -> tuple[tuple[date, float], ...]:
    rows = [r for r in ascof.to_pylist() if r["area_name"] == area and r["measure"] == measure]
    if not rows:
        raise InputError(f"no {measure} rows for {area}", where="ASCOF (Greater Manchester)")
    return tuple(sorted((_financial_year(str(r["period"])), float(r["value"])) for r in rows))


def published_series() -> list[PublishedSeries]:
    """The series the demo charts, loaded through the same validating loaders as any dataset."""
    ascof = ascof_greater_manchester().table
    series = [
        PublishedSeries(
            "england_delayed_days", "England: delayed transfer of care days per month (DTOC)",
            "Delayed days", Improvement.DECREASE,
            _monthly(delayed_days_by_area_month().england, "dtoc_delayed_days_la_monthly.csv"),
        ),
        PublishedSeries(
            "england_nonelective_admissions", "England: non-elective G&A admissions per month (MAR)",
            "Admissions (FFCEs)", Improvement.DECREASE,
            _monthly(nonelective_by_area_month().england, "mar_commissioner_monthly.csv"),
        ),
    ]
    for area in GM_AREAS:
        slug = area.lower()
        series.append(PublishedSeries(
            f"{slug}_reablement_91day", f"{area}: older people at home 91 days after reablement (ASCOF 2B1)",
            "% at home at 91 days", Improvement.INCREASE, _yearly(ascof, area, "ASCOF2B1"),
        ))
        series.append(PublishedSeries(
            f"{slug}_care_home_admissions", f"{area}: care-home admissions, 65+ per 100,000 (ASCOF 2A2)",
            "Admissions per 100,000", Improvement.DECREASE, _yearly(ascof, area, "ASCOF2A2"),
        ))
    return series


def spc_for_published_series(out_dir: Path) -> list[Path]:
    """Write a PNG and an SVG SPC chart per published series; return the paths written."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    for s in published_series():
        result = xmr([d for d, _ in s.points], [v for _, v in s.points], SpcOptions(improvement=s.improvement))
        for suffix in (".png", ".svg"):
            written.append(write_spc_chart(result, out_dir / f"spc_{s.slug}{suffix}",
                                           title=s.title, y_label=s.y_label))
    return written
