"""The objections registry: the exception in the s.251B duty to share.

A person who objects keeps their records inside their own organisation for direct care,
and out of every secondary use (commissioning, evaluation) altogether. Filtering happens
on normalised NHS numbers; a record whose number cannot be read is withheld and reported,
because it cannot be shown not to belong to an objector.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from carepool.errors import InputError
from carepool.findings import Finding, error, warning
from carepool.sharing.agreements import Purpose
from carepool.sharing.nhs_number import normalise, problem


@dataclass(frozen=True)
class Objection:
    nhs_number: str
    organisation: str   # ODS code of the organisation that holds the person's record
    recorded_on: date
    note: str = ""

    def __post_init__(self) -> None:
        reason = problem(self.nhs_number) or (None if normalise(self.nhs_number) else "missing")
        if reason:
            raise InputError(f"an objection needs a valid NHS number: {reason}")
        object.__setattr__(self, "nhs_number", normalise(self.nhs_number))


class ObjectionRegistry:
    """Who objected, looked up by normalised NHS number."""

    def __init__(self, objections: Iterable[Objection] = ()) -> None:
        self._by_number: dict[str, Objection] = {o.nhs_number: o for o in objections}

    def __len__(self) -> int:
        return len(self._by_number)

    def __contains__(self, number: object) -> bool:
        key = normalise(number)
        return key is not None and key in self._by_number

    def get(self, number: object) -> Objection | None:
        key = normalise(number)
        return self._by_number.get(key) if key else None

    def may_share(self, number: object, purpose: Purpose, recipient: str) -> bool:
        """Whether a record with this (valid) NHS number may go to ``recipient`` for ``purpose``."""
        objection = self.get(number)
        if objection is None:
            return True
        return purpose is Purpose.DIRECT_CARE and recipient == objection.organisation


@dataclass(frozen=True)
class Filtered:
    """Rows that may be shared, and findings for every row withheld and why."""

    rows: list[dict[str, str]]
    withheld: int
    findings: list[Finding]


def filter_rows(rows: Sequence[Mapping[str, str]], nhs_field: str, registry: ObjectionRegistry,
                purpose: Purpose, recipient: str, *, file: str | None = None) -> Filtered:
    """Drop objectors' rows (and rows whose NHS number cannot be checked), reporting each.

    Row numbers in findings count a header line as row 1. Returns new dicts; the input
    rows are not changed.
    """
    kept: list[dict[str, str]] = []
    findings: list[Finding] = []
    for offset, row in enumerate(rows):
        line = offset + 2
        value = row.get(nhs_field, "")
        number = normalise(value)
        if number is None:
            reason = problem(value) or "NHS number missing"
            findings.append(error("objection-uncheckable",
                                  f"withheld: {reason}, so the objections registry cannot be checked",
                                  file=file, row=line, field=nhs_field))
            continue
        if not registry.may_share(number, purpose, recipient):
            findings.append(warning("objection", "withheld: the person has objected to sharing",
                                    file=file, row=line))
            continue
        kept.append(dict(row))
    return Filtered(kept, len(rows) - len(kept), findings)
