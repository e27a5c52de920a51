from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.errors import InputError
from carepool.money import Money, apportion, apportion_int, parse_money, total


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.56", 123456), ("1234.56", 123456), ("1234.5", 123450), ("1234", 123400),
        (" £ 12 ", 1200), ("-£5.01", -501), ("(5.01)", -501), ("0.01", 1), (1234, 123400),
        (1234.56, 123456), (Decimal("99.99"), 9999), ("1,000,000.00", 100_000_000),
    ],
)
def test_parse_money_exact(text: object, pence: int) -> None:
    assert parse_money(text) == Money(pence)


@pytest.mark.parametrize("text", ["1.2m", "350k", "3.8bn"])
def test_suffix_refused_unless_allowed(text: str) -> None:
    with pytest.raises(InputError, match="suffix"):
        parse_money(text)


def test_suffix_when_allowed() -> None:
    assert parse_money("1.2m", allow_suffix=True) == Money.pounds(1_200_000)
    assert parse_money("3.8bn", allow_suffix=True) == Money.pounds(3_800_000_000)
    assert parse_money("133641000", allow_suffix=True) == Money.pounds(133_641_000)


@pytest.mark.parametrize("text", ["", "abc", "12.345", "1.2.3", "£", None, True, 0.001, float("nan"), "1e6"])
def test_parse_money_rejects(text: object) -> None:
    with pytest.raises(InputError):
        parse_money(text, where="sheet 'Funding' cell D7")


def test_error_names_the_place() -> None:
    with pytest.raises(InputError, match="sheet 'Funding' cell D7: 'ten pounds'"):
        parse_money("ten pounds", where="sheet 'Funding' cell D7")


def test_money_formatting_and_arithmetic() -> None:
    a = Money.pounds("1234.5")
    assert str(a) == "£1,234.50"
    assert str(-a) == "-£1,234.50"
    assert a.plain() == "1234.50"
    assert (a + Money(50)).pence == 123500
    assert (a * 2).pence == 246900
    assert Money.pounds(3_783_641_000).millions() == "£3,783.6m"
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _ = a + 1  # type: ignore[operator]
    with pytest.raises(InputError, match="fractions of a penny"):
        Money.pounds("0.005")


def test_apportion_known_case() -> None:
    # 100p in thirds: 34, 33, 33 (the first remainder wins the tie)
    assert apportion(Money(100), [1, 1, 1]) == [Money(34), Money(33), Money(33)]
    assert apportion(Money(-100), [1, 1, 1]) == [Money(-34), Money(-33), Money(-33)]
    assert apportion_int(7, [0, 1, 0]) == [0, 7, 0]
    with pytest.raises(ValueError):
        apportion(Money(1), [0, 0])
    with pytest.raises(ValueError):
        apportion(Money(1), [1, -1])


@given(
    st.integers(min_value=-10**13, max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40).filter(any),
)
def test_apportion_parts_sum_exactly(whole: int, weights: list[int]) -> None:
    parts = apportion_int(whole, weights)
    assert sum(parts) == whole
    # each part is within one penny of its exact share
    exact = [Fraction(abs(whole) * w, sum(weights)) for w in weights]
    for part, share in zip(parts, exact, strict=True):
        assert abs(abs(part) - share) < 1
    # zero weight gets nothing
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_total() -> None:
    assert total([]) == Money(0)
    assert total([Money(1), Money(2)]) == Money(3)
