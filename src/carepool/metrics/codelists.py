"""Versioned code lists as data (``metrics/data/lists.csv`` and ``codes.csv``), each with its source.

A list is a set of code ranges; a recorded code matches a range when its first ``len(code_from)``
characters (dots removed, upper case) fall between ``code_from`` and ``code_to``. A metric names
the list and version it uses, so a published figure can always be traced to the exact codes. The
SQL a list becomes is built here from shipped constants only, never from user input.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from carepool.errors import NotFound


@dataclass(frozen=True, slots=True)
class CodeRange:
    """Codes from ``code_from`` to ``code_to`` (same length), with the condition or group they mean."""

    code_from: str
    code_to: str
    label: str
    group: str
    status: str

    def matches(self, code: str) -> bool:
        head = normalise(code)[: len(self.code_from)]
        return len(head) == len(self.code_from) and self.code_from <= head <= self.code_to


@dataclass(frozen=True, slots=True)
class CodeList:
    """A named, versioned list with its source (title and URL) and how far it is verified."""

    name: str
    version: str
    title: str
    source_title: str
    source_url: str
    status: str
    note: str
    ranges: tuple[CodeRange, ...]

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def contains(self, code: str | None) -> bool:
        return bool(code) and any(r.matches(str(code)) for r in self.ranges)

    def codes(self) -> tuple[str, ...]:
        """The single codes of a list made only of one-code ranges (admission methods, destinations)."""
        return tuple(r.code_from for r in self.ranges if r.code_from == r.code_to)


def normalise(code: str) -> str:
    """'I11.0' -> 'I110'; ICD-10 and NHS Data Dictionary codes are compared without dots."""
    return code.replace(".", "").strip().upper()


def data_file(name: str) -> Path:
    return Path(str(resources.files("carepool.metrics") / "data" / name))


def _rows(name: str) -> list[dict[str, str]]:
    with data_file(name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def all_lists() -> dict[str, CodeList]:
    """Every shipped list by name (one version of each is shipped today)."""
    ranges: dict[str, list[CodeRange]] = {}
    for r in _rows("codes.csv"):
        ranges.setdefault(r["list"], []).append(
            CodeRange(r["code_from"], r["code_to"], r["label"], r["group"], r["status"]))
    return {r["list"]: CodeList(r["list"], r["version"], r["title"], r["source_title"], r["source_url"],
                                r["status"], r["note"], tuple(ranges.get(r["list"], ())))
            for r in _rows("lists.csv")}


def code_list(name: str) -> CodeList:
    try:
        return all_lists()[name]
    except KeyError:
        raise NotFound(f"no code list '{name}' (known: {', '.join(sorted(all_lists()))})") from None


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_in_list(column: str, name: str) -> str:
    """An engine-neutral SQL test that ``column`` holds a code of list ``name``."""
    tests = []
    for r in code_list(name).ranges:
        head = f"substr({column}, 1, {len(r.code_from)})"
        tests.append(f"{head} = {_quoted(r.code_from)}" if r.code_from == r.code_to
                     else f"{head} BETWEEN {_quoted(r.code_from)} AND {_quoted(r.code_to)}")
    return "(" + " OR ".join(tests) + ")" if tests else "FALSE"


def sql_any_secondary(column: str, name: str) -> str:
    """True when a ';'-joined list of secondary codes holds a code of list ``name`` (one-code or
    3-character ranges are expanded to LIKE prefixes)."""
    prefixes: list[str] = []
    for r in code_list(name).ranges:
        if r.code_from == r.code_to:
            prefixes.append(r.code_from)
        else:
            prefixes.extend(_expand(r.code_from, r.code_to))
    padded = f"concat(';', coalesce({column}, ''))"
    return "(" + " OR ".join(f"{padded} LIKE {_quoted('%;' + p + '%')}" for p in prefixes) + ")"


def _expand(first: str, last: str) -> list[str]:
    """'J41'..'J44' -> ['J41', 'J42', 'J43', 'J44'] (same letter, numeric tail)."""
    letter, start, end = first[0], int(first[1:]), int(last[1:])
    width = len(first) - 1
    return [f"{letter}{n:0{width}d}" for n in range(start, end + 1)]


@dataclass(frozen=True, slots=True)
class StandardBand:
    """One band of the 2013 European Standard Population."""

    label: str
    lower: int
    upper: int
    weight: int


@lru_cache(maxsize=1)
def esp2013() -> tuple[StandardBand, ...]:
    """The 2013 European Standard Population (Eurostat 2013), 19 bands summing to 100,000."""
    return tuple(StandardBand(r["age_band"], int(r["lower_age"]), int(r["upper_age"]), int(r["weight"]))
                 for r in _rows("esp2013.csv"))


def esp_bands(min_age: int = 0) -> tuple[StandardBand, ...]:
    """The ESP 2013 bands from ``min_age`` up (65 gives 65-69 ... 90+)."""
    return tuple(b for b in esp2013() if b.lower >= min_age)
