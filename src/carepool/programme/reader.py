"""Typed, forgiving access to a programme file: every problem becomes a located finding.

A bad value does not stop the reading: the reader records an error naming the file, the
key path (``funding_streams[2].contributor``) and the line, returns a harmless placeholder and
carries on, so one run lists every problem in the file.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from carepool.errors import InputError
from carepool.findings import Finding, error
from carepool.money import Money, parse_money
from carepool.programme.yaml_marks import line_of

UNPUBLISHED_WORDS = ("unpublished", "not published", "unknown")


class Findings:
    """The findings of one file, with the file's name."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Finding] = []

    def add(self, rule: str, message: str, field: str, line: int | None) -> None:
        self.items.append(error(rule, message, file=self.file, row=line, field=field or None))


class Reader:
    """One mapping of the file: ``where`` is its key path, ``found`` collects the findings."""

    def __init__(self, data: Any, where: str, found: Findings, line: int | None = None) -> None:
        self.found = found
        self.where = where
        self.line = line if line is not None else line_of(data)
        if isinstance(data, dict):
            self.data: dict[Any, Any] = data
        else:
            self.data = {}
            found.add("FORMAT-TYPE", f"expected a mapping, got {data!r}", where, self.line)

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def line_of(self, key: str) -> int | None:
        return line_of(self.data, key) if key in self.data else self.line

    def fail(self, key: str, message: str, rule: str = "FORMAT-VALUE") -> None:
        self.found.add(rule, message, self.path(key), self.line_of(key))

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _get(self, key: str) -> Any:
        if key not in self.data:
            self.found.add("FORMAT-MISSING", f"missing key '{key}'", self.path(key), self.line)
            return None
        return self.data[key]

    def text(self, key: str, default: str | None = None) -> str:
        if key not in self.data:
            if default is not None:
                return default
            self._get(key)
            return ""
        value = self.data[key]
        if value is None and default is not None:
            return default
        if not isinstance(value, str):
            self.fail(key, f"expected text, got {value!r}")
            return ""
        return value

    def opt_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def choice(self, key: str, allowed: tuple[str, ...] | frozenset[str] | set[str],
               default: str | None = None) -> str:
        value = self.text(key, default)
        if value and value not in allowed:
            self.fail(key, f"'{value}' is not one of {sorted(allowed)}", "FORMAT-CHOICE")
        return value

    def is_unpublished(self, key: str) -> bool:
        value = self.data.get(key)
        return isinstance(value, str) and value.strip().lower() in UNPUBLISHED_WORDS

    def money(self, key: str) -> Money:
        value = self._get(key)
        if value is None:
            return Money(0)
        try:
            return parse_money(str(value), allow_suffix=True)
        except InputError as exc:
            self.fail(key, f"not an amount of money: {exc}")
            return Money(0)

    def opt_money(self, key: str) -> Money | None:
        return None if self.data.get(key) is None else self.money(key)

    def decimal(self, key: str, default: str | None = None) -> Decimal:
        value = self.data.get(key, default) if default is not None else self._get(key)
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(key, f"not a number: {value!r}")
            return Decimal(0)

    def day(self, key: str) -> date:
        value = self._get(key)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            if value is not None:
                self.fail(key, f"not an ISO date: {value!r}")
            return date(1900, 1, 1)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {value!r}")
            return default
        return value

    def strings(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key, default) if default is not None else self._get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "expected a list of text")
            return ()
        return tuple(value)

    def items(self, key: str, required: bool = True) -> list[Reader]:
        if key not in self.data and not required:
            return []
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "expected a list")
            return []
        return [Reader(v, f"{self.path(key)}[{i}]", self.found, line_of(value, i))
                for i, v in enumerate(value)]

    def section(self, key: str, required: bool = True) -> Reader:
        if key not in self.data and not required:
            return Reader({}, self.path(key), self.found, self.line)
        return Reader(self._get(key) if key in self.data else {}, self.path(key), self.found,
                      self.line_of(key))

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key) or {}
        if not isinstance(value, dict):
            self.fail(key, "expected a mapping")
            return {}
        return {str(k): v for k, v in value.items()}
