"""The estimators' choices as Literal types, their defaults, and one check, shared by library and CLI.

Each choice is written once here: the type checker sees the allowed values, the CLI offers the
same values and defaults (its options read :data:`DEFAULTS`), and a wrong value from a file or a
command line is refused with the list of what is allowed.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar, get_args

from carepool.errors import InputError

Control = Literal["never", "notyet"]
DidMethod = Literal["unconditional", "regression", "doubly-robust"]
Aggregation = Literal["simple", "dynamic", "group", "calendar"]
Family = Literal["poisson", "negbin", "gaussian"]
Seasonality = Literal["month", "fourier", "none"]
ItsErrors = Literal["latent-ar1", "prewhitened", "newey-west"]

CONTROLS: tuple[Control, ...] = get_args(Control)
METHODS: tuple[DidMethod, ...] = get_args(DidMethod)
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)
FAMILIES: tuple[Family, ...] = get_args(Family)
SEASONALITY: tuple[Seasonality, ...] = get_args(Seasonality)
ERRORS: tuple[ItsErrors, ...] = get_args(ItsErrors)

# One set of defaults: the library's keyword defaults and the CLI's options both read these.
DEFAULTS: dict[str, Any] = {
    "control": "never",
    "aggregation": "simple",
    "bootstrap": 0,
    "seed": 20150401,
    "family": "poisson",
    "seasonality": "month",
    "errors": "latent-ar1",
    "placebos": True,
    "leave_one_out": False,
}

T = TypeVar("T", bound=str)


def checked(name: str, value: str, allowed: tuple[T, ...]) -> T:
    """``value`` if it is one of ``allowed``, else an InputError naming the choice and the options."""
    for option in allowed:
        if value == option:
            return option
    raise InputError(f"{name} must be one of {', '.join(allowed)}, not '{value}'")


def did_method(method: str | None, covariates: tuple[str, ...] | list[str]) -> DidMethod:
    """The DiD estimator to use: doubly robust when covariates are given, else unconditional."""
    if method is None:
        return "doubly-robust" if covariates else "unconditional"
    return checked("method", method, METHODS)
