from carepool.sharing.nhs_number import check_column, is_valid, normalise, problem

VALID = "9434765919"  # the NHS Data Dictionary's worked example


def test_normalises_the_three_written_forms() -> None:
    assert normalise(" 943 476 5919 ") == VALID
    assert normalise("943-476-5919") == VALID
    assert normalise(VALID) == VALID


def test_rejects_bad_check_digit_and_bad_format() -> None:
    assert normalise("9434765918") is None
    assert "modulus-11" in (problem("9434765918") or "")
    assert normalise("94347659") is None
    assert "10 digits" in (problem("94347659") or "")
    assert not is_valid(None)
    assert not is_valid(True)


def test_column_check_reports_every_invalid_number_with_its_row_and_keeps_order() -> None:
    checked = check_column([VALID, "", "9434765918", "abc", "943 476 5919"], file="sc.csv", field="nhs_no")
    assert checked.numbers == [VALID, None, None, None, VALID]
    assert checked.invalid_rows == [4, 5]  # blank is missing, not invalid; header is row 1
    assert all(f.location.file == "sc.csv" and f.location.field == "nhs_no" for f in checked.findings)
