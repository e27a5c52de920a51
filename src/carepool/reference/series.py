"""The published monthly series mapped to HWB areas: emergency admissions and delayed days.

- Non-elective admissions: NHS England MAR (commissioner basis) by CCG from April 2013; each
  CCG's count is split across the areas it serves by population (July 2015 boundaries,
  largest remainder, so area figures add up exactly to the CCG's). 2013-15 CCGs map to their
  2015 successor first (00F/00G/00H -> 13T). PCT-era months (before April 2013) have no
  PCT-to-area lookup in the reference data and are not mapped (reported).
- Delayed days: NHS England DToC SitRep by local authority, mapped to areas by ONS code.
Quirks in the sources (blank or '-' cells, fractional counts) are reported, never fixed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise

from carepool.errors import NotFound
from carepool.money import apportion_int
from carepool.reference.load import load_reference, read_rows


@dataclass(frozen=True)
class AreaSeries:
    """Monthly values by (area code, 'YYYY-MM'), England totals, and what was odd in the source."""

    name: str
    values: dict[tuple[str, str], int]
    england: dict[str, int]
    quirks: tuple[str, ...] = field(default=())
    missing: frozenset[tuple[str, str]] = frozenset()  # area-months with an unreadable source cell

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
    ref = load_reference()
    quirks: list[str] = []
    by_area: dict[tuple[str, str], int] = {}
    england: dict[str, int] = {}
    unmapped_pct_months: set[str] = set()
    x24_months: set[str] = set()
    by_ccg: dict[str, dict[str, int]] = {}
    missing: set[tuple[str, str]] = set()
    for row in read_rows("mar_commissioner_monthly.csv"):
        period = row["period"]
        value = _count(row["nonelective_ga_admissions_total_ffce"])
        where = f"mar_commissioner_monthly.csv {period} {row['org_code'] or row['org_name']}"
        if value is None:
            quirks.append(f"{where}: not a number ({row['nonelective_ga_admissions_total_ffce']!r}); "
                          "the areas it serves have no value that month")
            if row["org_code"] and period >= "2013-04" and row["org_code"] in ref.ccgs_2013:
                missing.update((link.area_code, period) for link in ref.links_for_ccg(row["org_code"]))
            continue
        if value != value.to_integral_value():
            quirks.append(f"{where}: fractional count {value} as published; rounded to the nearest whole")
        count = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if row["org_name"] == "England" and not row["org_code"]:
            england[period] = count
            continue
        if row["org_code"] == "X24":
            x24_months.add(period)
            continue
        if period < "2013-04":
            unmapped_pct_months.add(period)
            continue
        try:
            successor = ref.ccg(row["org_code"]).successor
        except NotFound:  # unknown codes are reported, not fatal
            quirks.append(f"{where}: unknown commissioner code; skipped")
            continue
        by_ccg.setdefault(row["org_code"], {})[period] = count
        links = ref.links_for_ccg(successor)
        parts = apportion_int(count, [link.population for link in links])
        for link, part in zip(links, parts, strict=True):
            key = (link.area_code, period)
            by_area[key] = by_area.get(key, 0) + part
    if unmapped_pct_months:
        quirks.append(f"{len(unmapped_pct_months)} PCT-era months before 2013-04 are not mapped to areas "
                      "(no PCT-to-area lookup in the reference data); England totals are kept")
    quirks.extend(_sudden_drops(by_ccg))
    if x24_months:
        quirks.append(f"X24 NHS ENGLAND (directly commissioned activity) in {len(x24_months)} months is in the "
                      "England total but belongs to no area")
    for key in missing:
        by_area.pop(key, None)
    return AreaSeries("non-elective G&A admissions (FFCEs), MAR", by_area, england, tuple(quirks),
                      frozenset(missing))


def _sudden_drops(by_org: dict[str, dict[str, int]]) -> list[str]:
    """Month-on-month halvings or doublings: likely a provider missing from (or back in) the
    return, e.g. Birmingham CrossCity and Solihull from July 2014. Kept as published and
    reported, so that analysts can decide."""
    out: list[str] = []
    for org, months in sorted(by_org.items()):
        periods = sorted(months)
        for before, after in pairwise(periods):
            a, b = months[before], months[after]
            if min(a, b) > 0 and (b * 2 < a or a * 2 < b):
                change = "fell" if b < a else "rose"
                out.append(f"MAR {org} {after}: {change} from {a:,} to {b:,} in a month; possibly a provider "
                           "missing from (or back in) the return; kept as published")
    return out


DTOC_COLUMNS = ("delayed_days_total", "delayed_days_nhs", "delayed_days_social_care", "delayed_days_both",
                "delayed_days_acute", "delayed_days_non_acute")


@lru_cache(maxsize=len(DTOC_COLUMNS))
def delayed_days(column: str = "delayed_days_total") -> AreaSeries:
    """Delayed days by area and month; ``column`` picks the total or a breakdown (NHS, social care...)."""
    if column not in DTOC_COLUMNS:
        raise NotFound(f"no delayed-days column '{column}' (one of {', '.join(DTOC_COLUMNS)})")
    ref = load_reference()
    quirks: list[str] = []
    by_area: dict[tuple[str, str], int] = {}
    england: dict[str, int] = {}
    missing: set[tuple[str, str]] = set()
    for row in read_rows("dtoc_delayed_days_la_monthly.csv"):
        period = row["period"]
        raw = row[column].strip()
        where = f"dtoc_delayed_days_la_monthly.csv {period} {row['la_name_published']}"
        value = _count(raw) if raw not in ("", "-") else None
        area = ref.utla_to_area.get(row["utla15_code"])
        if value is None:
            quirks.append(f"{where}: blank or '-' as published; treated as missing (not zero)")
            if area is not None:
                missing.add((area, period))
            continue
        if row["la_name_published"].strip().lower() == "england":
            england[period] = int(value)
            continue
        if area is None:
            continue  # Wales/Scotland/outside-GB rows and post-2019 Dorset codes
        key = (area, period)
        by_area[key] = by_area.get(key, 0) + int(value)
    for key in missing:
        by_area.pop(key, None)
    return AreaSeries(f"delayed transfer of care days ({column}), DToC SitRep", by_area, england,
                      tuple(quirks), frozenset(missing))
