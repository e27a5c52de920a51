"""Read a host general-ledger extract and the mapping of host codes to the pool (CSV, Excel, YAML).

The extract has columns cost_centre, account, period, amount (other columns are ignored).
A period is a month of the financial year: '2015-07', a date in it, or the host's period
number ('P04' or '4', April being period 1). Amounts are pounds and pence, debit positive.
The mapping (CSV or YAML) has cost_centre, account ('*' for all), pool and maps_to (a scheme
ref, or 'income', 'performance' or 'year-end'). Files are bounded before they are parsed
(size, then rows); every problem is a finding with file, row and field, and nothing is
returned as read unless there are none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carepool.errors import InputError
from carepool.exchange.rows import header_and_rows, size_findings
from carepool.findings import Finding, error
from carepool.ledger.periods import Period
from carepool.ledger.reconcile import ANY, TARGETS, HostRow, MapRule
from carepool.money import parse_money

MAX_BYTES = 20_000_000
MAX_ROWS = 200_000
EXTRACT_COLUMNS = ("cost_centre", "account", "period", "amount")
MAPPING_COLUMNS = ("cost_centre", "account", "pool", "maps_to")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")
_PERIOD_NO = re.compile(r"^[Pp]?(\d{1,2})$")


def _column(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower()).replace("center", "centre")


def _bounded(path: Path) -> list[Finding]:
    return size_findings(path, MAX_BYTES, "reconcile")


def _rows(path: Path, wanted: tuple[str, ...], rule: str,
          found: list[Finding]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Data rows, after checking the header has every wanted column and stopping past MAX_ROWS."""
    header, cells = header_and_rows(path, _column)
    missing = [c for c in wanted if c not in header]
    if missing:
        found.extend(error(f"{rule}.columns", f"missing column '{c}' (need {', '.join(wanted)})",
                           file=path.name, row=1, field=c) for c in missing)
        return
    for count, (row, values) in enumerate(cells, start=1):
        if count > MAX_ROWS:
            found.append(error(f"{rule}.rows", f"more than {MAX_ROWS:,} rows; split the extract",
                               file=path.name, row=row))
            return
        yield row, values


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "").strip()


def _month(value: Any, year: Period) -> str | None:
    """'YYYY-MM' of a period cell inside the financial year, or None."""
    if isinstance(value, datetime | date):
        on = value.date() if isinstance(value, datetime) else value
    else:
        text = _text(value)
        number = _PERIOD_NO.match(text)
        match = _MONTH.match(text)
        if number:
            n = int(number.group(1))
            if not 1 <= n <= 12:
                return None
            month = (year.start.month - 1 + n - 1) % 12 + 1
            on = date(year.start.year + (year.start.month - 1 + n - 1) // 12, month, 1)
        elif match and 1 <= int(match.group(2)) <= 12:
            on = date(int(match.group(1)), int(match.group(2)), 1)
        else:
            return None
    first = date(on.year, on.month, 1)
    return first.strftime("%Y-%m") if year.start <= first <= year.end else None


def read_host_extract(path: Path, year: Period) -> tuple[list[HostRow], list[Finding]]:
    """Every row of the extract, typed, and every finding (file, row, field)."""
    found = _bounded(path)
    if found:
        return [], found
    out: list[HostRow] = []
    for row, cells in _rows(path, EXTRACT_COLUMNS, "extract", found):
        before = len(found)
        codes = {f: _text(cells.get(f)) for f in ("cost_centre", "account")}
        for name, value in codes.items():
            if not value:
                found.append(error(f"extract.{name}", f"{name.replace('_', ' ')} is empty", file=path.name,
                                   row=row, field=name))
        month = _month(cells.get("period"), year)
        if month is None:
            found.append(error("extract.period", f"'{_text(cells.get('period'))}' is not a month of {year.label} "
                               "(YYYY-MM, a date, or period 1-12 with April as 1)", file=path.name, row=row,
                               field="period"))
        pence = 0
        try:
            pence = parse_money(cells.get("amount")).pence
        except InputError as exc:
            found.append(error("extract.amount", str(exc), file=path.name, row=row, field="amount"))
        if len(found) == before and month is not None:
            out.append(HostRow(row, codes["cost_centre"], codes["account"], month, pence))
    if not out and not found:
        found.append(error("extract.empty", "the extract has no rows", file=path.name, row=2))
    return out, found


def _yaml_rules(path: Path, found: list[Finding]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the mapping: {exc}", where=path.name) from exc
    items = data.get("codes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        found.append(error("mapping.shape", "expected a list of codes (or 'codes:' holding one)", file=path.name))
        return
    for n, item in enumerate(items[:MAX_ROWS], start=1):
        if not isinstance(item, dict):
            found.append(error("mapping.shape", "each code needs cost_centre, account, pool and maps_to",
                               file=path.name, row=n))
            continue
        yield n, {_column(k): v for k, v in item.items()}


def read_mapping(path: Path) -> tuple[list[MapRule], list[Finding]]:
    """The mapping's rules (CSV rows or YAML items; rows numbered as in the file's list)."""
    found = _bounded(path)
    if found:
        return [], found
    yaml_file = path.suffix.lower() in (".yaml", ".yml")
    items = _yaml_rules(path, found) if yaml_file else _rows(path, MAPPING_COLUMNS, "mapping", found)
    rules: list[MapRule] = []
    for row, cells in items:
        values = {c: _text(cells.get(c)) for c in MAPPING_COLUMNS}
        missing = [c for c, v in values.items() if not v]
        found.extend(error("mapping.empty", f"{c} is empty", file=path.name, row=row, field=c) for c in missing)
        target = values["maps_to"]
        if not missing:
            rules.append(MapRule(row, values["cost_centre"], values["account"], values["pool"],
                                 target.lower() if target.lower() in TARGETS else target))
    if not rules and not found:
        found.append(error("mapping.empty", "the mapping names no host codes", file=path.name))
    return rules, found


__all__ = ["ANY", "MAX_BYTES", "MAX_ROWS", "read_host_extract", "read_mapping"]
