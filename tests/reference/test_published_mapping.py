"""Mapping commissioner and council series to plan areas (pure, no files)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.reference import load_reference
from carepool.reference.published_mapping import OrgMonth, dtoc_to_areas, mar_to_areas


def test_a_ccg_in_two_areas_is_split_exactly_by_population() -> None:
    ref = load_reference()
    out, findings = mar_to_areas([OrgMonth("2015-06", "02N", "Y54", 1001)], ref)
    assert sum(out.values()) == 1001
    assert set(out) == {("E08000032", "2015-06"), ("E10000023", "2015-06")}
    assert out[("E08000032", "2015-06")] > out[("E10000023", "2015-06")]
    assert findings == []


def test_pre_2015_newcastle_ccgs_map_through_13t() -> None:
    out, _ = mar_to_areas([OrgMonth("2014-06", "00F", "Q", 900)], load_reference())
    assert {a for a, _ in out} == {"E08000037", "E08000021"}   # Gateshead, Newcastle
    assert sum(out.values()) == 900


def test_a_merger_is_found_in_the_series_and_unknown_codes_reported() -> None:
    rows = [OrgMonth("2017-03", "00W", "Y54", 100), OrgMonth("2017-03", "01M", "Y54", 100),
            OrgMonth("2017-04", "14L", "Y54", 210), OrgMonth("2017-04", "X24", "Y54", 50)]
    out, findings = mar_to_areas(rows, load_reference())
    assert out[("E08000003", "2017-04")] == 210
    rules = {f.rule for f in findings}
    assert {"published.mar.merged_ccg", "published.mar.unmapped_commissioner"} <= rules


def test_pct_months_split_like_the_same_month_a_year_later() -> None:
    rows = [OrgMonth("2012-05", "5NT", "Q", 1000), OrgMonth("2013-05", "00W", "Y", 300),
            OrgMonth("2013-05", "02N", "Y", 100)]
    out, findings = mar_to_areas(rows, load_reference())
    assert sum(v for (a, p), v in out.items() if p == "2012-05") == 1000
    assert out[("E08000003", "2012-05")] == 750
    assert any(f.rule == "published.mar.pct_basis" for f in findings)


def test_dtoc_maps_scilly_to_cornwall_and_reports_non_areas() -> None:
    rows = [("2015-04", "E06000053", "Isles of Scilly", 2), ("2015-04", "E06000052", "Cornwall", 10),
            ("2015-04", "", "Resident in Scotland", 5)]
    out, findings = dtoc_to_areas(rows, load_reference())
    assert out == {("E06000052", "2015-04"): 12}
    assert [f.location.field for f in findings] == ["Resident in Scotland"]


@given(code=st.sampled_from(sorted(load_reference().ccgs_2015)), value=st.integers(0, 50_000),
       month=st.sampled_from(["2013-06", "2015-06", "2017-01"]))
@settings(max_examples=60, deadline=None)
def test_mapping_never_loses_or_creates_an_admission(code: str, value: int, month: str) -> None:
    out, _ = mar_to_areas([OrgMonth(month, code, "P", value)], load_reference())
    assert sum(out.values()) == value
    assert all(v >= 0 for v in out.values())
