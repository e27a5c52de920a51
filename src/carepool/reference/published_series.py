"""The one reader of the published monthly series, mapped to HWB areas: emergency admissions
and delayed days. Plan baselines, the demo, the dashboard, the scorecard, the evaluation and
the SPC charts (through ``engines/published.py``) all read them here.

- Non-elective admissions: NHS England MAR (commissioner basis); mapped to areas by
  ``published_mapping.mar_to_areas`` (CCG-area population links, largest remainder, mergers
  found in the series, PCT months before April 2013 split like the same month a year later).
- Delayed days: NHS England DToC SitRep by local authority, mapped by ``dtoc_to_areas``.
Quirks in the sources (blank or '-' cells, fractional counts, unmapped commissioners) are
findings located by file, row (1 = first data row, as the loaders count) and field, never
fixed silently; a cell that cannot be read leaves the areas it serves without a value that month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise

from carepool.errors import NotFound
from carepool.findings import Finding, warning
from carepool.reference.load import load_reference, read_rows
from carepool.reference.published_mapping import FIRST_CCG_MONTH, OrgMonth, dtoc_to_areas, mar_to_areas

MAR_FILE = "mar_commissioner_monthly.csv"
MAR_COLUMN = "nonelective_ga_admissions_total_ffce"
DTOC_FILE = "dtoc_delayed_days_la_monthly.csv"


@dataclass(frozen=True)
class AreaSeries:
    """Monthly values by (area code, 'YYYY-MM'), England totals, and what was odd in the source."""

    name: str
    values: dict[tuple[str, str], int]
    england: dict[str, int]
    findings: tuple[Finding, ...] = field(default=())
    missing: frozenset[tuple[str, str]] = frozenset()  # area-months with an unreadable source cell
    estimated: frozenset[str] = frozenset()             # months whose area values are estimates (PCT era)

    @property
    def quirks(self) -> tuple[str, ...]:
        """The findings' messages (what was odd in the source, as published)."""
        return tuple(f.message for f in self.findings)

    def periods(self) -> list[str]:
        return sorted({p for _, p in self.values})

    def total(self, first: str, last: str, area: str | None = None) -> int:
        if area is None:
            return sum(v for p, v in self.england.items() if first <= p <= last)
        return sum(v for (a, p), v in self.values.items() if a == area and first <= p <= last)


def financial_year(period: str) -> str:
    """'2015-04' -> '2015-16'; '2016-03' -> '2015-16'."""
    year, month = int(period[:4]), int(period[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{str(start + 1)[2:]}"


def financial_quarter(period: str) -> str:
    """'2015-04' -> '2015Q1' (April-June), '2016-01' -> '2015Q4'."""
    year, month = int(period[:4]), int(period[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}Q{((month - 4) % 12) // 3 + 1}"


def months_of_year(fy: str) -> list[str]:
    """The twelve 'YYYY-MM' months of a financial year like '2014-15'."""
    start = int(fy[:4])
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


def _count(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "").strip())
    except InvalidOperation:
        return None


@lru_cache(maxsize=1)
def nonelective_admissions() -> AreaSeries:
    """MAR non-elective G&A admissions (FFCEs) by area and month, and England as published."""
    found: list[Finding] = []
    england: dict[str, int] = {}
    org_months: list[OrgMonth] = []
    unreadable: list[tuple[str, str]] = []
    for row_number, row in enumerate(read_rows(MAR_FILE), start=1):
        period, code, raw = row["period"], row["org_code"] or "", row[MAR_COLUMN]
        value = _count(raw)
        if value is None:
            found.append(warning("published.mar.unreadable", f"{period} {code or row['org_name']}: {MAR_COLUMN} is "
                                 f"not a number ({raw!r}); the areas it serves have no value that month",
                                 file=MAR_FILE, row=row_number, field=MAR_COLUMN))
            unreadable.append((code, period))
            continue
        if value != value.to_integral_value():
            found.append(warning("published.mar.fractional", f"{period} {code or row['org_name']}: {MAR_COLUMN}: "
                                 f"fractional count as published, rounded to the nearest whole: {value}",
                                 file=MAR_FILE, row=row_number, field=MAR_COLUMN))
        count = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if row["org_name"] == "England" and not code:
            england[period] = count
        elif code:
            org_months.append(OrgMonth(period, code, row["parent_code"] or "", count))
    ref = load_reference()
    values, mapped = mar_to_areas(org_months, ref)
    by_ccg: dict[str, dict[str, int]] = {}
    for r in org_months:
        if r.period >= FIRST_CCG_MONTH and (r.org_code in ref.ccgs_2013 or r.org_code in ref.ccgs_2015):
            by_ccg.setdefault(r.org_code, {})[r.period] = r.value
    missing = {(link.area_code, period) for code, period in unreadable
               if code in ref.ccgs_2013 or code in ref.ccgs_2015 for link in ref.links_for_ccg(code)}
    for key in missing:
        values.pop(key, None)
    estimated = frozenset(p for _, p in values if p < FIRST_CCG_MONTH)
    return AreaSeries("non-elective G&A admissions (FFCEs), MAR", values, england,
                      (*found, *mapped, *_sudden_drops(by_ccg)), frozenset(missing), estimated)


def _sudden_drops(by_org: dict[str, dict[str, int]]) -> list[Finding]:
    """Month-on-month halvings or doublings: likely a provider missing from (or back in) the
    return, e.g. Birmingham CrossCity and Solihull from July 2014. Kept as published and
    reported, so that analysts can decide."""
    out: list[Finding] = []
    for org, months in sorted(by_org.items()):
        periods = sorted(months)
        for before, after in pairwise(periods):
            a, b = months[before], months[after]
            if min(a, b) > 0 and (b * 2 < a or a * 2 < b):
                change = "fell" if b < a else "rose"
                out.append(warning("published.mar.sudden_change",
                                   f"MAR {org} {after}: {change} from {a:,} to {b:,} in a month; possibly a "
                                   "provider missing from (or back in) the return; kept as published",
                                   file=MAR_FILE, field=org))
    return out


DTOC_COLUMNS = ("delayed_days_total", "delayed_days_nhs", "delayed_days_social_care", "delayed_days_both",
                "delayed_days_acute", "delayed_days_non_acute")


@lru_cache(maxsize=len(DTOC_COLUMNS))
def delayed_days(column: str = "delayed_days_total") -> AreaSeries:
    """Delayed days by area and month; ``column`` picks the total or a breakdown (NHS, social care...)."""
    if column not in DTOC_COLUMNS:
        raise NotFound(f"no delayed-days column '{column}' (one of {', '.join(DTOC_COLUMNS)})")
    ref = load_reference()
    found: list[Finding] = []
    england: dict[str, int] = {}
    readable: list[tuple[str, str, str, int]] = []
    missing: set[tuple[str, str]] = set()
    for row_number, row in enumerate(read_rows(DTOC_FILE), start=1):
        period, name, raw = row["period"], row["la_name_published"], row[column].strip()
        value = _count(raw) if raw not in ("", "-") else None
        if value is None:
            found.append(warning("published.dtoc.missing", f"{period} {name}: {column}: missing value "
                                 f"({raw or 'blank'} as published); treated as missing, not zero", file=DTOC_FILE,
                                 row=row_number, field=column))
            area = ref.utla_to_area.get(row["utla15_code"])
            if area is not None:
                missing.add((area, period))
            continue
        if name.strip().lower() == "england":
            england[period] = int(value)
        else:
            readable.append((period, row["utla15_code"], name, int(value)))
    values, mapped = dtoc_to_areas(readable, ref)
    for key in missing:
        values.pop(key, None)
    return AreaSeries(f"delayed transfer of care days ({column}), DToC SitRep", values, england,
                      (*found, *mapped), frozenset(missing))
