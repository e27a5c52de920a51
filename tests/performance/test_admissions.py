from __future__ import annotations

from carepool.performance import parse_admissions


def test_good_rows_are_read() -> None:
    rows = [(2, {"area_code": "E08000018", "quarter": "2015q1", "admissions": "6,700"}),
            (3, {"area_code": "E08000018", "quarter": "2015Q2", "admissions": "6509"})]
    data, findings = parse_admissions(rows, "a.csv")
    assert findings == []
    assert data == {("E08000018", "2015Q1"): 6700, ("E08000018", "2015Q2"): 6509}


def test_every_bad_row_and_field_is_reported() -> None:
    rows = [(2, {"area_code": "Rotherham", "quarter": "2015Q1", "admissions": "10"}),
            (3, {"area_code": "E08000018", "quarter": "Q1", "admissions": "-3"}),
            (4, {"area_code": "E08000018", "quarter": "2015Q2", "admissions": "1"}),
            (5, {"area_code": "E08000018", "quarter": "2015Q2", "admissions": "2"})]
    data, findings = parse_admissions(rows, "a.csv")
    where = [(f.location.row, f.location.field) for f in findings]
    assert where == [(2, "area_code"), (3, "quarter"), (3, "admissions"), (5, "area_code")]
    assert all(f.location.file == "a.csv" for f in findings)
    assert "more than once" in findings[-1].message
    assert data == {("E08000018", "2015Q2"): 1}
