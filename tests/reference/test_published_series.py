from carepool.reference.load import read_rows
from carepool.reference.published_series import (
    delayed_days,
    financial_quarter,
    financial_year,
    months_of_year,
    nonelective_admissions,
)


def test_england_totals_match_published_checks() -> None:
    days = delayed_days()
    assert days.total("2014-04", "2015-03") == 1_624_977
    assert days.total("2015-04", "2016-03") == 1_809_587   # +184,610: the NAO's "+185,000"
    adm = nonelective_admissions()
    assert adm.total("2014-04", "2015-03") == 5_691_577
    assert adm.total("2015-04", "2016-03") == 5_885_604


def test_quirks_are_reported_not_hidden() -> None:
    days = delayed_days()
    assert any(q.startswith("2011-04 Isle Of Wight UA: delayed_days_total: missing value") for q in days.quirks)
    assert any(f.rule == "published.dtoc.missing" and f.location.row for f in days.findings)
    adm = nonelective_admissions()
    fractional = [f for f in adm.findings if f.rule == "published.mar.fractional"]
    # England, November 2012: kept, rounded, and said (with where it is)
    assert any(f.message.startswith("2012-11 England") and f.message.endswith(": 462003.1")
               and f.location.file == "mar_commissioner_monthly.csv" and f.location.row for f in fractional)
    assert adm.england["2012-11"] == 462003
    assert any("X24" in q for q in adm.quirks)
    # missing cells are missing, not zero: City of London has months with no value
    assert all(v >= 0 for v in days.values.values())


def test_area_values_sum_to_mapped_ccg_totals() -> None:
    adm = nonelective_admissions()
    month = "2015-06"
    area_total = sum(v for (_, p), v in adm.values.items() if p == month)
    assert 0 < area_total < adm.england[month]   # England also counts NHS England's own (X24) activity


def test_calendar_helpers() -> None:
    assert financial_year("2015-04") == "2015-16" and financial_year("2016-03") == "2015-16"
    assert financial_quarter("2015-06") == "2015Q1" and financial_quarter("2016-02") == "2015Q4"
    assert months_of_year("2014-15")[0] == "2014-04" and months_of_year("2014-15")[-1] == "2015-03"


def _raw(file: str, column: str, match: str, key: str, period: str) -> int:
    return sum(int(r[column]) for r in read_rows(file) if r[key] == match and r["period"] == period)


def test_area_values_are_pinned_to_the_published_rows() -> None:
    """Area values checked against the raw published rows, independently of the mapping."""
    adm = nonelective_admissions()
    # Rotherham is served by one CCG (03L), which serves no other area: its value is 03L's, as published
    for period in ("2013-04", "2015-06", "2016-03"):
        assert adm.values[("E08000018", period)] == _raw(
            "mar_commissioner_monthly.csv", "nonelective_ga_admissions_total_ffce", "03L", "org_code", period)
    days = delayed_days()
    # Cornwall's plan area includes the Isles of Scilly: its delayed days are both councils' rows added
    for period in ("2014-04", "2015-06"):
        assert days.values[("E06000052", period)] == sum(
            _raw("dtoc_delayed_days_la_monthly.csv", "delayed_days_total", code, "utla15_code", period)
            for code in ("E06000052", "E06000053"))
    # before April 2013 the MAR is by PCT: the area values exist, add up to the mapped total, and are estimates
    pct = sum(v for (_, p), v in adm.values.items() if p == "2012-06")
    assert pct > 0 and "2012-06" in adm.estimated and "2013-04" not in adm.estimated
