"""Reading payments files (CSV and Excel): typed rows, or every finding with row and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from carepool.exchange.payments import read_payments

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ledger"


def test_good_csv_is_read_exactly() -> None:
    payments, findings = read_payments(FIXTURES / "payments_good.csv")
    assert findings == []
    assert [(p.row, p.area, p.on, p.scheme, p.pence, p.reference) for p in payments] == [
        (2, "E08000018", date(2015, 5, 14), "S01", 12_000_000, "INV-0001"),
        (3, "E08000018", date(2015, 6, 30), "S02", 4_500_055, "INV-0002"),
        (4, "E06000001", date(2015, 9, 14), "S01", 999_999, "HP-77"),
        (5, "E08000018", date(2015, 10, 1), "S01", -150_000, "CN-0001"),
    ]


def test_every_bad_field_is_reported_with_its_row() -> None:
    payments, findings = read_payments(FIXTURES / "payments_bad.csv")
    assert [p.row for p in payments] == [2]   # only the good row is typed; the caller posts none
    where = sorted((f.location.row, f.location.field) for f in findings)
    assert where == [(3, "date"), (4, "amount"), (4, "provider"), (5, "area"), (6, "amount"), (6, "reference")]
    assert all(f.location.file == "payments_bad.csv" for f in findings)
    assert "row 2" in next(f.message for f in findings if f.rule == "payments.duplicate")


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("date,scheme,amount\n2015-05-01,S01,10\n", encoding="utf-8")
    _, findings = read_payments(path, area="E08000018")
    assert [(f.location.row, f.location.field) for f in findings] == [(1, "provider"), (1, "reference")]


def test_excel_payments_are_read_with_the_area_given(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Scheme", "Provider", "Amount", "Reference"])
    sheet.append([date(2015, 7, 1), "S04", "GP federation", 2500.5, "X1"])
    sheet.append(["2015-07-02", "S04", "GP federation", 12.345, "X2"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    payments, findings = read_payments(path, area="E08000018")
    assert [(p.on, p.pence) for p in payments] == [(date(2015, 7, 1), 250_050)]
    assert [(f.location.row, f.location.field) for f in findings] == [(3, "amount")]


def test_a_file_past_the_limits_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from carepool.exchange import payments as payments_file

    path = tmp_path / "big.csv"
    path.write_text("date,scheme,provider,amount,reference,area\n"
                    + "".join(f"2015-05-01,S01,P,10,INV-{i},E08000018\n" for i in range(6)), encoding="utf-8")
    monkeypatch.setattr(payments_file, "MAX_BYTES", 100)
    read, findings = read_payments(path)
    assert read == [] and [(f.rule, f.location.file) for f in findings] == [("payments.file-size", "big.csv")]
    monkeypatch.setattr(payments_file, "MAX_BYTES", 10_000)
    monkeypatch.setattr(payments_file, "MAX_ROWS", 5)
    read, findings = read_payments(path)
    assert read == [] and [f.rule for f in findings] == ["payments.rows"] and "more than 5 rows" in findings[0].message
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert [f.rule for f in read_payments(empty)[1]] == ["payments.file-empty"]
