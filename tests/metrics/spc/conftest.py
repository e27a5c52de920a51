"""Series shared by the SPC tests, taken from NHSRplotthedots' own tests.

``RNORM_123`` is R's ``set.seed(123); rnorm(24)`` (the first 20 are ``data$y`` in
test-ptd_spc_standard.R and test-ptd_spc.R); ``HIGH``/``LOW`` are the following
``rnorm(12, 5)`` and ``rnorm(12, -5)`` draws used in test-geom_ptd_icon.R. They were
reproduced exactly from R's Mersenne-Twister + inversion algorithm; the first values match
the snapshot in tests/testthat/_snaps/ptd_spc_standard.md (-0.56047565, -0.23017749, ...).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

RNORM_123 = (
    -0.5604756465522126, -0.23017748948327996, 1.558708314149124, 0.070508391424576,
    0.12928773516094624, 1.715064986883281, 0.4609162059892023, -1.265061234606534,
    -0.6868528518935261, -0.44566197009995806, 1.2240817974394615, 0.3598138270573638,
    0.40077145059405217, 0.1106827159451197, -0.5558411347540749, 1.7869131368030782,
    0.4978504782292394, -1.9666171566296382, 0.7013559015636855, -0.47279140772793404,
    -1.0678237059868452, -0.21797491465829513, -1.0260044483072397, -0.7288912292911403,
)
HIGH = (
    4.374960732150743, 3.313306689257587, 5.837787044494525, 5.153373117836515,
    3.8618630629880526, 6.253814921069926, 5.426464221476814, 4.704928517007729,
    5.8951256610450224, 5.878133487533042, 5.821581081637487, 5.688640254100091,
)
LOW = (
    -4.446082346462411, -5.061911710576721, -5.305962663739916, -5.380471001012383,
    -5.694706978920513, -5.207917278019599, -6.265396351568264, -2.8310440346614874,
    -3.7920380016950093, -6.123108583203349, -5.402884835299076, -5.466655353623219,
)


@pytest.fixture
def r_dates() -> list[date]:
    """``as.Date("2020-01-01") + 1:24`` in R."""
    return [date(2020, 1, 2) + timedelta(days=i) for i in range(24)]


@pytest.fixture
def rnorm_123() -> tuple[float, ...]:
    return RNORM_123


@pytest.fixture
def high_low() -> tuple[tuple[float, ...], tuple[float, ...]]:
    return HIGH, LOW
