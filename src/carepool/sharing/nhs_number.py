"""NHS numbers: the consistent identifier of s.251A, checked and normalised at every entry point.

Wraps the ``nhs-number`` package (format and modulus-11 check digit). A number that fails
is reported as a finding with where it was found; it is never silently dropped, because a
dropped number is a person who quietly falls out of a linkage or an objection check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nhs_number.standardise import standardise_format
from nhs_number.validate import is_valid as _checksum_ok

from carepool.findings import Finding, error


def normalise(value: object) -> str | None:
    """The ten digits of a valid NHS number, or ``None`` when it is missing or invalid.

    Accepts ``9434765919``, ``943 476 5919`` and ``943-476-5919`` (with surrounding space).
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    digits = standardise_format(text)
    if not digits or not _checksum_ok(digits):
        return None
    return digits


def is_valid(value: object) -> bool:
    return normalise(value) is not None


def problem(value: object) -> str | None:
    """Why ``value`` is not a usable NHS number (``None`` when it is one, or is blank)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    digits = standardise_format(text)
    if not digits:
        return f"'{text}' is not 10 digits (spaces or dashes allowed as 123 456 7890)"
    if not _checksum_ok(digits):
        return f"'{text}' fails the modulus-11 check digit"
    return None


@dataclass(frozen=True)
class CheckedNumbers:
    """Normalised numbers in input order (``None`` where missing or invalid) and the findings."""

    numbers: list[str | None]
    findings: list[Finding]

    @property
    def invalid_rows(self) -> list[int]:
        return [f.location.row for f in self.findings if f.location.row is not None]


def check_column(values: Iterable[object], *, file: str | None = None,
                 field: str = "nhs_number", first_row: int = 2) -> CheckedNumbers:
    """Normalise a column of NHS numbers, with one finding per invalid (not blank) value.

    ``first_row`` is the spreadsheet-style row of the first value (2 under a header).
    """
    numbers: list[str | None] = []
    findings: list[Finding] = []
    for offset, value in enumerate(values):
        numbers.append(normalise(value))
        reason = problem(value)
        if reason is not None:
            findings.append(error("nhs-number-invalid", reason, file=file,
                                  row=first_row + offset, field=field))
    return CheckedNumbers(numbers, findings)
