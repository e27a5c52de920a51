"""Quarterly emergency admissions per area: the input payment for performance runs on.

Rows come from a file (``carepool.exchange`` reads CSV) or straight from the metrics
engine's ``quarterly_emergency_admissions`` (already ``{(area, quarter): count}``). Every bad
row is reported with its row number and field; nothing is used unless all rows are good.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from carepool.findings import Finding, error

Admissions = Mapping[tuple[str, str], int]
COLUMNS = ("area_code", "quarter", "admissions")
_QUARTER = re.compile(r"^\d{4}Q[1-4]$")
_AREA = re.compile(r"^[A-Z]\d{8}$")


def parse_admissions(
    rows: Iterable[tuple[int, Mapping[str, str]]], file: str | None = None,
) -> tuple[dict[tuple[str, str], int], list[Finding]]:
    """Typed admissions and every finding; ``rows`` are (row number, raw cells by column)."""
    out: dict[tuple[str, str], int] = {}
    found: list[Finding] = []
    for row, cells in rows:
        area = (cells.get("area_code") or "").strip()
        quarter = (cells.get("quarter") or "").strip().upper()
        raw = (cells.get("admissions") or "").strip().replace(",", "")
        ok = True
        if not _AREA.match(area):
            found.append(error("admissions.area", f"'{area}' is not an area code like E08000018",
                               file=file, row=row, field="area_code"))
            ok = False
        if not _QUARTER.match(quarter):
            found.append(error("admissions.quarter", f"'{quarter}' is not a quarter like 2015Q1",
                               file=file, row=row, field="quarter"))
            ok = False
        if not raw.isdigit():
            found.append(error("admissions.count", f"'{raw}' is not a whole number of admissions (0 or more)",
                               file=file, row=row, field="admissions"))
            ok = False
        if not ok:
            continue
        if (area, quarter) in out:
            found.append(error("admissions.duplicate", f"{area} {quarter} appears more than once",
                               file=file, row=row, field="area_code"))
            continue
        out[(area, quarter)] = int(raw)
    return out, found
