"""Read quarterly emergency admissions from a CSV file (area_code, quarter, admissions)."""

from __future__ import annotations

import csv
from pathlib import Path

from carepool.errors import InputError
from carepool.findings import Finding, error
from carepool.performance.admissions import COLUMNS, parse_admissions


def read_admissions(path: Path) -> tuple[dict[tuple[str, str], int], list[Finding]]:
    """Admissions by (area, quarter) and every finding (row 1 is the header)."""
    if not path.exists():
        raise InputError("no such file", where=str(path))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                return {}, [error("admissions.columns", f"missing column '{c}'", file=path.name, row=1, field=c)
                            for c in missing]
            rows = [(n, dict(zip(header, values, strict=False)))
                    for n, values in enumerate(reader, start=2) if any(v.strip() for v in values)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the file: {exc}", where=path.name) from exc
    return parse_admissions(rows, path.name)
