"""True-effect specifications: parsed strictly, chosen reproducibly."""

from __future__ import annotations

import pytest

from carepool.activity.effects import TrueEffect, default_effects, effect_for, parse_effect
from carepool.errors import InputError


def test_parse_effect_reads_area_start_size_and_metric() -> None:
    assert parse_effect("E08000009:2015-07:-0.05") == TrueEffect("E08000009", "2015-07", -0.05, "BCF1")
    assert parse_effect("E08000009:2015-07:0.1:BCF4").metric == "BCF4"


@pytest.mark.parametrize("spec", ["E08000009:2015-07", "Trafford:2015-07:-0.05",
                                  "E08000009:2015-07:-5", "E08000009:2015-07:-0.05:BCF2"])
def test_bad_effect_specifications_are_refused(spec: str) -> None:
    with pytest.raises(InputError):
        parse_effect(spec)


def test_default_effects_are_a_reproducible_fifth_starting_in_2015_16() -> None:
    codes = [f"E0800{i:04d}" for i in range(50)]
    first, again = default_effects(codes, 4), default_effects(codes, 4)
    assert first == again and len(first) == 10
    assert {e.start_month[:4] for e in first} <= {"2015", "2016"}
    assert default_effects(codes, 5) != first


def test_effect_applies_from_its_start_month() -> None:
    effect = TrueEffect("E08000009", "2015-10", -0.1)
    assert not effect.applies("2015-09") and effect.applies("2015-10")
    assert effect_for([effect], "E08000009", "BCF1") is effect
    assert effect_for([effect], "E08000009", "BCF4") is None
