"""Validation findings: every problem found, returned as data, never raised one by one.

A finding names the rule, how serious it is, what is wrong in words a finance officer
understands, and where: a workbook sheet and cell, a file row and field, or a field path
in the plan model. Validators share one signature and return lists of findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"      # the input cannot be accepted
    WARNING = "warning"  # accepted, but someone should look
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points. Any combination of the parts may be set."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    field: str | None = None  # a model field path such as "schemes[3].amount"

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'" + (f" cell {self.cell}" if self.cell else ""))
        elif self.cell:
            parts.append(f"cell {self.cell}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts) if parts else "(whole input)"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in {
            "file": self.file, "sheet": self.sheet, "cell": self.cell,
            "row": self.row, "field": self.field,
        }.items() if v is not None}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        return f"[{self.severity.value}] {self.rule}: {self.message} ({self.location})"

    def at(self, location: Location) -> Finding:
        return replace(self, location=location)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.as_dict(),
        }


def error(rule: str, message: str, **where: Any) -> Finding:
    return Finding(rule, Severity.ERROR, message, Location(**where))


def warning(rule: str, message: str, **where: Any) -> Finding:
    return Finding(rule, Severity.WARNING, message, Location(**where))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def errors_only(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
