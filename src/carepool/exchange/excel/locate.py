"""Point validation findings at workbook cells.

Validation speaks in plan field paths ("schemes[2].amount"); people fix cells. ``locate``
looks each path up in the cell map the reader recorded, trimming it from the right
("schemes[2].amount" -> "schemes[2]" -> "schemes") until a recorded place is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from carepool.findings import Finding

_LAST_PART = re.compile(r"(\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)$")


def place_of(field: str, cells: Mapping[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The (sheet, cell) of ``field`` or of the nearest enclosing path that was recorded."""
    path = field
    while path:
        if path in cells:
            return cells[path]
        trimmed = _LAST_PART.sub("", path)
        if trimmed == path:
            return None
        path = trimmed
    return None


def locate(findings: Iterable[Finding], cells: Mapping[str, tuple[str, str]], file: str | None) -> list[Finding]:
    """The findings with sheet and cell filled in from their field paths (the path is kept)."""
    out: list[Finding] = []
    for finding in findings:
        loc = finding.location
        if loc.sheet is None and loc.field:
            place = place_of(loc.field, cells)
            if place is not None:
                loc = replace(loc, sheet=place[0], cell=place[1])
        if loc.file is None and file:
            loc = replace(loc, file=file)
        out.append(finding.at(loc))
    return out
