"""The demo step: SPC charts of the real published series shipped in reference/data."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from carepool.demo.spc_step import published_series, spc_for_published_series
from carepool.metrics.spc import Improvement
from carepool.reference.load import data_path


def test_series_come_from_the_published_rows() -> None:
    series = {s.slug: s for s in published_series()}
    dtoc = series["england_delayed_days"]
    # DTOC England row: April 2011 108,064 delayed days; monthly to December 2019
    assert dtoc.points[0] == (date(2011, 4, 1), 108064.0)
    assert len(dtoc.points) == 105 and dtoc.points[-1][0] == date(2019, 12, 1)
    mar = series["england_nonelective_admissions"]
    assert mar.points[0] == (date(2012, 4, 1), 444233.0)  # MAR England, April 2012
    # 93 published months; November 2012's England cell (462003.1, a fractional count) is rounded
    # to the whole admission by the one reader of the series, which reports it
    assert len(mar.points) == 93 and (date(2012, 11, 1), 462003.0) in mar.points
    from carepool.engines.published import nonelective_by_area_month
    assert any("462003.1" in f.message or "2012-11" in str(f.location) for f in nonelective_by_area_month().findings)
    trafford = series["trafford_reablement_91day"]
    assert trafford.points[0] == (date(2010, 4, 1), 73.7) and trafford.improvement is Improvement.INCREASE
    assert series["manchester_care_home_admissions"].points[-1] == (date(2018, 4, 1), 888.8)
    assert all(len({d for d, _ in s.points}) == len(s.points) for s in series.values())


def test_dtoc_england_row_is_the_sum_of_the_la_rows() -> None:
    # the chart uses the published England row; it agrees with the LA rows every month
    england: dict[str, float] = {}
    las: dict[str, float] = {}
    with data_path("dtoc_delayed_days_la_monthly.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            bucket = england if row["la_name_published"] == "England" else las
            bucket[row["period"]] = bucket.get(row["period"], 0.0) + float(row["delayed_days_total"] or 0)
    assert len(england) == 105
    assert all(abs(england[p] - las[p]) < 0.5 for p in england)


def test_charts_are_written_for_every_series(tmp_path: Path) -> None:
    paths = spc_for_published_series(tmp_path / "spc")
    assert len(paths) == 2 * len(published_series()) > 0
    for path in paths:
        data = path.read_bytes()
        assert path.parent == tmp_path / "spc"
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert b"<svg" in data[:2000]
    assert {p.stem for p in paths} >= {"spc_england_delayed_days", "spc_trafford_reablement_91day"}
