"""Money in pounds sterling, held as whole pence so no penny is ever lost or created.

``Money`` is immutable; arithmetic with anything but ``Money`` (or an integer multiplier)
is an error, and there is no float anywhere. ``apportion`` splits an amount by weights
with the largest-remainder method, so the parts always sum exactly to the whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from carepool.errors import InputError

_PLAIN = re.compile(r"^-?\d+(\.\d{1,2})?$")
_SUFFIXES = {"k": Decimal(1_000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
_SUFFIXED = re.compile(r"^(-?\d+(?:\.\d+)?)(k|m|bn)$")


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of GBP in whole pence."""

    pence: int

    def __post_init__(self) -> None:
        if not isinstance(self.pence, int) or isinstance(self.pence, bool):
            raise TypeError(f"Money needs whole pence as int, got {type(self.pence).__name__}")

    # construction -----------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def pounds(cls, amount: int | str | Decimal) -> Money:
        """Exact pounds (int, Decimal or decimal string with at most two places)."""
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
        pence = value * 100
        if pence != pence.to_integral_value():
            raise InputError(f"'{amount}' has fractions of a penny")
        return cls(int(pence))

    @classmethod
    def from_decimal_rounded(cls, value: Decimal) -> Money:
        """Round a computed Decimal amount of pounds half-up to the penny (used for unit costs)."""
        return cls(int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))

    # arithmetic -------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence + other.pence)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence - other.pence)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            return NotImplemented
        return Money(self.pence * factor)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __abs__(self) -> Money:
        return Money(abs(self.pence))

    def __bool__(self) -> bool:
        return self.pence != 0

    @property
    def is_negative(self) -> bool:
        return self.pence < 0

    # views ------------------------------------------------------------------------
    @property
    def decimal(self) -> Decimal:
        """Pounds as an exact Decimal with two places."""
        return (Decimal(self.pence) / 100).quantize(Decimal("0.01"))

    def __str__(self) -> str:
        sign = "-" if self.pence < 0 else ""
        pounds, pence = divmod(abs(self.pence), 100)
        return f"{sign}£{pounds:,}.{pence:02d}"

    def plain(self) -> str:
        """'1234.56' with no symbol or separators (for CSV and JSON)."""
        return f"{self.decimal}"

    def millions(self, places: int = 1) -> str:
        """'£3,783.6m' for summaries."""
        value = Decimal(self.pence) / Decimal(100_000_000)
        return f"£{value:,.{places}f}m"


def total(amounts: Iterable[Money]) -> Money:
    """Sum of amounts (zero for none)."""
    result = 0
    for amount in amounts:
        result += amount.pence
    return Money(result)


def parse_money(text: object, *, allow_suffix: bool = False, where: str | None = None) -> Money:
    """Read '£1,234.56', '1234.56', 1234 or Decimal('1234.5') exactly.

    '1.2m', '350k' and '3.8bn' are read only when ``allow_suffix`` is true. Floats are
    refused unless they hold an exact penny amount (Excel stores numbers as floats).
    """
    if isinstance(text, Money):
        return text
    if isinstance(text, bool) or text is None:
        raise InputError(f"expected an amount of money, got {text!r}", where=where)
    if isinstance(text, int):
        return Money(text * 100)
    if isinstance(text, float):
        return _from_float(text, where)
    if isinstance(text, Decimal):
        return _from_decimal(text, str(text), where)
    if not isinstance(text, str):
        raise InputError(f"expected an amount of money, got {type(text).__name__}", where=where)
    raw = text.strip()
    cleaned = raw.replace(",", "").replace(" ", "")
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("()").lstrip("-").removeprefix("£").lstrip("-")
    if not cleaned:
        raise InputError(f"'{raw}' is not an amount of money", where=where)
    suffixed = _SUFFIXED.match(cleaned.lower())
    if suffixed:
        if not allow_suffix:
            raise InputError(
                f"'{raw}' uses a unit suffix; write the amount in full pounds and pence",
                where=where,
            )
        value = Decimal(suffixed.group(1)) * _SUFFIXES[suffixed.group(2)]
        return _from_decimal(-value if negative else value, raw, where)
    if not _PLAIN.match(cleaned):
        raise InputError(f"'{raw}' is not an amount of money (e.g. 1234.56)", where=where)
    value = Decimal(cleaned)
    return _from_decimal(-value if negative else value, raw, where)


def _from_decimal(value: Decimal, raw: str, where: str | None) -> Money:
    try:
        pence = value * 100
    except InvalidOperation as exc:  # pragma: no cover - Decimal guards this
        raise InputError(f"'{raw}' is not an amount of money", where=where) from exc
    if not pence.is_finite() or pence != pence.to_integral_value():
        raise InputError(f"'{raw}' has fractions of a penny", where=where)
    return Money(int(pence))


def _from_float(value: float, where: str | None) -> Money:
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"{value!r} is not an amount of money", where=where)
    # repr gives the shortest decimal that round-trips: 1234.56 -> '1234.56'
    return _from_decimal(Decimal(repr(value)), repr(value), where)


def apportion(amount: Money, weights: Sequence[int | Decimal | Fraction]) -> list[Money]:
    """Split ``amount`` in proportion to ``weights`` so the parts sum exactly to it.

    Largest-remainder (Hamilton) method on whole pence: each part gets the floor of its
    exact share, and the pence left over go one each to the largest remainders (ties to
    the earliest). Negative amounts are split as their absolute value, then negated.
    """
    return [Money(p) for p in apportion_int(amount.pence, weights)]


def apportion_int(whole: int, weights: Sequence[int | Decimal | Fraction]) -> list[int]:
    """Largest-remainder split of an integer (pence, admissions, days) by weights."""
    if not weights:
        raise ValueError("apportion needs at least one weight")
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("apportion weights must not be negative")
    denominator = sum(exact, Fraction(0))
    if denominator == 0:
        raise ValueError("apportion weights must not all be zero")
    sign = -1 if whole < 0 else 1
    magnitude = abs(whole)
    shares = [magnitude * w / denominator for w in exact]
    floors = [int(s) for s in shares]  # shares are non-negative, int() floors
    left = magnitude - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * f for f in floors]
