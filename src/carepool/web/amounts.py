"""Overview amounts: whole pence shown as £k or £m, for display only (the figures stay exact).

The one place the web rounds money. ``short`` rounds one amount (half away from zero) to the
unit its size calls for: under £1,000 whole pounds, under £1m whole thousands (£340k), from £1m
tenths of a million (£12.3m). ``shown_parts`` rounds the parts of a shown total so that the parts
as shown add up to the total as shown (largest remainder on the exact pence), as a chart's
labels and its table must. The exact figure is ``exact`` (``Money``'s own £1,234.56).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from carepool.money import Money


@dataclass(frozen=True)
class Unit:
    """A display unit: ``pence`` per step, the suffix and how many places the step shows."""

    pence: int
    divisor: int       # pence per whole suffix unit (100 for £, 100,000 for £k, 100,000,000 for £m)
    suffix: str
    places: int


POUNDS = Unit(100, 100, "", 0)
THOUSANDS = Unit(100_000, 100_000, "k", 0)
MILLIONS = Unit(10_000_000, 100_000_000, "m", 1)


def _rounded_steps(pence: int | Fraction, unit: Unit) -> int:
    """``pence`` in whole steps of ``unit``, half away from zero."""
    value = Decimal(pence.numerator) / Decimal(pence.denominator) if isinstance(pence, Fraction) else Decimal(pence)
    return int((value / unit.pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def unit_for(pence: int) -> Unit:
    """The unit an amount of this size is shown in (judged after rounding: £999,600 is £1.0m)."""
    size = abs(pence)
    if _rounded_steps(size, THOUSANDS) * THOUSANDS.pence >= 100_000_000:
        return MILLIONS
    if _rounded_steps(size, POUNDS) * POUNDS.pence >= 100_000:
        return THOUSANDS
    return POUNDS


def _format(steps: int, unit: Unit) -> str:
    sign = "-" if steps < 0 else ""
    value = Decimal(abs(steps) * unit.pence) / unit.divisor
    return f"{sign}£{value:,.{unit.places}f}{unit.suffix}"


def short(pence: int, unit: Unit | None = None) -> str:
    """'£12.3m', '£340k', '£950', '-£1.2m': ``pence`` rounded for an overview."""
    chosen = unit or unit_for(pence)
    return _format(_rounded_steps(pence, chosen), chosen)


def exact(pence: int) -> str:
    """The exact figure, '£12,345,678.90'."""
    return str(Money(pence))


def shown_parts(parts: Sequence[int], unit: Unit | None = None) -> tuple[list[str], str]:
    """The parts and their total as shown, rounded so the shown parts add to the shown total.

    The total is rounded on its own (half away from zero); each part gets the whole steps of its
    exact value, and the steps left over go one each to the largest remainders (ties to the
    earliest part). Every part must be zero or more; the unit is the total's unless given.
    """
    if any(p < 0 for p in parts):
        raise ValueError("shown_parts splits amounts of zero or more")
    whole = sum(parts)
    chosen = unit or unit_for(whole)
    target = _rounded_steps(whole, chosen)
    quotas = [Fraction(p, chosen.pence) for p in parts]
    steps = [int(q) for q in quotas]
    left = target - sum(steps)     # 0 <= left <= len(parts): the floors sum to at most floor(total)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - steps[i]), i))
    for i in order[:left]:
        steps[i] += 1
    return [_format(s, chosen) for s in steps], _format(target, chosen)
