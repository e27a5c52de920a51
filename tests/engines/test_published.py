"""The real published series as engine tables: the same values as their one reader, quirks reported, adding up."""

from __future__ import annotations

from carepool.engines.published import (
    ascof_greater_manchester,
    delayed_days_by_area_month,
    england_by_financial_year,
    nonelective_by_area_month,
)
from carepool.reference import load_reference
from carepool.reference.load import read_rows


def test_england_delayed_days_match_the_national_audit_office_check() -> None:
    england = england_by_financial_year(delayed_days_by_area_month())
    assert england["2014-15"] == 1_624_977
    assert england["2015-16"] == 1_809_587


def test_england_nonelective_admissions_as_published() -> None:
    england = england_by_financial_year(nonelective_by_area_month())
    assert england["2014-15"] == 5_691_577
    assert england["2015-16"] == 5_885_604


def test_every_area_has_a_delayed_days_series_and_scilly_sits_in_cornwall() -> None:
    series = delayed_days_by_area_month().by_area_month()
    areas = {a for a, _ in series}
    assert areas == set(load_reference().areas)
    assert "E06000053" not in areas
    assert series[("E06000052", "2015-04")] > 0


def test_area_delayed_days_are_the_england_total_less_non_areas() -> None:
    series = delayed_days_by_area_month()
    month = "2015-06"
    areas = sum(v for (_, p), v in series.by_area_month().items() if p == month)
    assert 0.99 * series.england[month] <= areas <= series.england[month]


def test_quirks_are_reported_not_fixed() -> None:
    mar = nonelective_by_area_month()
    fractional = [f for f in mar.findings if "fractional count" in f.message]
    assert {f.message.split(": ")[-1] for f in fractional} == {"462003.1", "4459.1"}
    assert mar.england["2012-11"] == 462003            # rounded and reported, not dropped
    assert any(f.rule == "published.mar.unmapped_commissioner" and f.location.field == "X24"
               for f in mar.findings)
    blanks = [f for f in delayed_days_by_area_month().findings if "missing value" in f.message]
    assert len(blanks) >= 50


def test_ccg_admissions_are_split_over_areas_without_loss() -> None:
    mar = nonelective_by_area_month()
    month = "2015-06"
    areas = sum(v for (_, p), v in mar.by_area_month().items() if p == month)
    x24 = next(int(r["nonelective_ga_admissions_total_ffce"]) for r in read_rows("mar_commissioner_monthly.csv")
               if r["period"] == month and r["org_code"] == "X24")
    # specialised commissioning (X24) belongs to no area; everything else lands in one exactly
    assert areas + x24 == mar.england[month]


def test_greater_manchester_ascof_series() -> None:
    rows = ascof_greater_manchester().table.to_pylist()
    trafford = {(r["measure"], r["period"]): r["value"] for r in rows if r["area_code"] == "E08000009"}
    assert trafford[("ASCOF2B1", "2015/16")] == 93.4
    assert trafford[("ASCOF2A2", "2014/15")] == 543.0


def test_the_engine_tables_carry_the_one_readers_area_values() -> None:
    from carepool.reference.published_series import delayed_days, nonelective_admissions
    mar, dtoc = nonelective_admissions(), delayed_days()
    assert nonelective_by_area_month().by_area_month() == mar.values
    assert delayed_days_by_area_month().by_area_month() == dtoc.values
    assert "2012-06" in mar.estimated and "2013-04" not in mar.estimated
