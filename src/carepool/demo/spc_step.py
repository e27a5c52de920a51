"""Demo step: SPC charts of real published series shipped in ``reference/data``.

England monthly delayed days (DTOC, the published England row), England monthly
non-elective admissions (MAR, the England row), and for Trafford and Manchester the
yearly ASCOF 2B(1) reablement and 2A(2) care-home admission figures. Financial years
("2014/15") are dated at their 1 April.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from carepool.errors import InputError
from carepool.exchange.charts import write_spc_chart
from carepool.metrics.spc import Improvement, SpcOptions, parse_date, parse_value, xmr
from carepool.reference.load import data_path

GM_AREAS = ("Trafford", "Manchester")


@dataclass(frozen=True, slots=True)
class PublishedSeries:
    """A named series read from one shipped file."""

    slug: str
    title: str
    y_label: str
    improvement: Improvement
    points: tuple[tuple[date, float], ...]


def _rows(name: str, keep: Callable[[dict[str, str]], bool]) -> list[dict[str, str]]:
    with data_path(name).open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if keep(row)]


def _financial_year(text: str) -> date:
    """'2014/15' -> 1 April 2014."""
    try:
        return date(int(text[:4]), 4, 1)
    except ValueError:
        raise InputError(f"unexpected financial year {text!r}") from None


def _monthly(name: str, keep: Callable[[dict[str, str]], bool], column: str) -> tuple[tuple[date, float], ...]:
    rows = _rows(name, keep)
    if not rows:
        raise InputError("no rows for the series", where=name)
    return tuple(sorted((parse_date(r["period"]), parse_value(r[column])) for r in rows))


def _yearly(name: str, area: str) -> tuple[tuple[date, float], ...]:
    rows = _rows(name, lambda r: r["area_name"] == area)
    if not rows:
        raise InputError(f"no rows for {area}", where=name)
    return tuple(sorted((_financial_year(r["period"]), parse_value(r["value"])) for r in rows))


def published_series() -> list[PublishedSeries]:
    """The series the demo charts, read from the shipped CSVs."""
    series = [
        PublishedSeries(
            "england_delayed_days", "England: delayed transfer of care days per month (DTOC)",
            "Delayed days", Improvement.DECREASE,
            _monthly("dtoc_delayed_days_la_monthly.csv", lambda r: r["la_name_published"] == "England",
                     "delayed_days_total"),
        ),
        PublishedSeries(
            "england_nonelective_admissions", "England: non-elective G&A admissions per month (MAR)",
            "Admissions (FFCEs)", Improvement.DECREASE,
            _monthly("mar_commissioner_monthly.csv", lambda r: r["org_name"] == "England",
                     "nonelective_ga_admissions_total_ffce"),
        ),
    ]
    for area in GM_AREAS:
        slug = area.lower()
        series.append(PublishedSeries(
            f"{slug}_reablement_91day", f"{area}: older people at home 91 days after reablement (ASCOF 2B1)",
            "% at home at 91 days", Improvement.INCREASE,
            _yearly("gm_reablement_91day_ascof2b1.csv", area),
        ))
        series.append(PublishedSeries(
            f"{slug}_care_home_admissions", f"{area}: care-home admissions, 65+ per 100,000 (ASCOF 2A2)",
            "Admissions per 100,000", Improvement.DECREASE,
            _yearly("gm_care_home_admissions_ascof2a2.csv", area),
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
