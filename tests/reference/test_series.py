from carepool.reference.series import (
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
    assert any("blank or '-'" in q for q in days.quirks)
    adm = nonelective_admissions()
    assert any("fractional count 462003.1" in q for q in adm.quirks)   # England, November 2012
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
