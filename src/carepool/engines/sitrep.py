"""The ICB discharge sitrep (April 2022 - August 2025): its one reader, through the validating loaders.

The SPC charts, the area pages, the generator and the evaluation all read it here: rows are
checked against ``activity.published.DISCHARGE_SITREP`` and the 42 ICBs, and each rejected row is
a finding located by row and field (the charts keep the good rows; the evaluation refuses a file
with any rejected row).

Its quirks are reported as findings and never smoothed: a day recorded as 0 by every ICB (a
missing day), single ICBs with zero days, an ICB that disappears part-way (Cambridgeshire and
Peterborough from September 2023), and the by-17:00 split that stops after May 2023. England is
the sum of the ICBs present, so a month missing an ICB is said to be incomplete. Area series are
apportioned from ICBs by the HWB x ICB resident shares and are labelled so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from carepool.activity.published import DISCHARGE_SITREP, SITREP_METRICS
from carepool.engines.loader import validate_file
from carepool.errors import NotFound, ValidationFailed
from carepool.evaluation.sitrep_series import SitrepSeries
from carepool.findings import Finding, error, warning
from carepool.reference.icb import icb_shares_by_area, read_icbs
from carepool.reference.load import data_path

FILE = "discharge_sitrep_icb_monthly_2022_2025.csv"
ENGLAND = "E92000001"


@dataclass(frozen=True)
class Sitrep:
    """Monthly sums by ICB and measure, with what was found while reading them."""

    values: dict[tuple[str, str, str], int]          # (icb, measure, month) -> sum of daily values
    days: dict[tuple[str, str, str], int]            # (icb, measure, month) -> days in file
    icbs: tuple[str, ...]
    months: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    means: dict[tuple[str, str, str], float] = field(default_factory=dict)   # mean of daily, as published
    days_missing: dict[tuple[str, str, str], int] = field(default_factory=dict)
    file: str = FILE

    @property
    def rejected(self) -> tuple[Finding, ...]:
        """The findings of rows refused by the checks (the rest are quirks, kept as published)."""
        return tuple(f for f in self.findings if f.severity == "error")

    def series(self, measure: str, icb: str = ENGLAND, *, daily_mean: bool = True) -> dict[str, float]:
        """Month -> value for one ICB (or England, the sum of ICBs present); the daily mean by default."""
        out: dict[str, float] = {}
        for month in self.months:
            if icb == ENGLAND:
                keys = [(i, measure, month) for i in self.icbs if (i, measure, month) in self.values]
                if not keys:
                    continue
                total = sum(self.values[k] for k in keys)
                out[month] = total / self.days[keys[0]] if daily_mean else total
            elif (icb, measure, month) in self.values:
                key = (icb, measure, month)
                out[month] = self.values[key] / self.days[key] if daily_mean else self.values[key]
        return out

    def apportioned(self, measure: str, area_code: str, *, daily_mean: bool = True) -> dict[str, float]:
        """Month -> the area's apportioned value: sum over ICBs of value x the area's resident share.
        Months where an ICB the area draws on is missing are left out (not guessed)."""
        shares = icb_shares_by_area().get(area_code, {})
        out: dict[str, float] = {}
        for month in self.months:
            keys = [(icb, measure, month) for icb in shares]
            if not keys or any(k not in self.values for k in keys):
                continue
            total = sum(Fraction(self.values[k]) * shares[k[0]] for k in keys)
            days = self.days[keys[0]]
            out[month] = float(total / days) if daily_mean else float(total)
        return out


def _quirks(rows: list[dict[str, object]], months: list[str], icbs: list[str]) -> list[Finding]:
    found: list[Finding] = []
    total = [r for r in rows if r["metric"] == "discharged_total"]
    by_month: dict[str, list[dict[str, object]]] = {}
    for r in total:
        by_month.setdefault(str(r["month"]), []).append(r)
    for month, group in sorted(by_month.items()):
        if all(int(str(r["days_with_zero"])) >= 1 for r in group):
            found.append(warning("sitrep.missing_day", f"{month}: every ICB reports a day of 0 discharges "
                                 "(likely a missing day recorded as 0); kept as published", field=month))
        zero_icbs = [str(r["icb23_code"]) for r in group if int(str(r["days_with_zero"])) >= 1]
        if zero_icbs and len(zero_icbs) < len(group):
            found.append(warning("sitrep.zero_days", f"{month}: {len(zero_icbs)} ICB(s) report days of 0 "
                                 f"discharges ({', '.join(zero_icbs[:5])}); kept as published", field=month))
        year, mon = int(month[:4]), int(month[5:7])
        short = [str(r["icb23_code"]) for r in group
                 if int(str(r["days_in_file"])) < calendar.monthrange(year, mon)[1]]
        if short:
            found.append(warning("sitrep.short_month", f"{month}: {len(short)} ICB(s) have fewer days than the "
                                 "month; daily means use the days present", field=month))
    present = {(str(r["icb23_code"]), str(r["month"])) for r in total}
    for icb in icbs:
        gone = [m for m in months if (icb, m) not in present]
        if gone:
            found.append(warning("sitrep.icb_missing", f"ICB {icb} is absent from {gone[0]} to {gone[-1]} "
                                 f"({len(gone)} months); England totals for those months exclude it",
                                 field=icb))
    split = sorted({str(r["month"]) for r in rows if r["metric"] == "discharged_by_1700"})
    if split and split[-1] < months[-1]:
        found.append(warning("sitrep.split_stops", f"the by-17:00 / after-17:00 split stops after {split[-1]}; "
                             "only discharged_total continues", field="discharged_by_1700"))
    return found


def _rejected(rows: list[dict[str, object]], name: str) -> list[Finding]:
    """One finding per rule a rejected row broke, located by row and field (reasons read 'field: why')."""
    out = []
    for r in rows:
        for reason in str(r["reason"]).split("; "):
            column = reason.split(":", 1)[0]
            out.append(error("sitrep.rejected", reason, file=name, row=int(str(r["row"])),
                             field=column if column in DISCHARGE_SITREP.names else None))
    return out


def _key(r: dict[str, object]) -> tuple[str, str, str]:
    return str(r["icb23_code"]), str(r["metric"]), str(r["month"])


def read_sitrep(path: Path | None = None) -> Sitrep:
    """The sitrep at ``path`` (default: the shipped file), validated row by row; rejected rows and
    quirks are findings, never smoothed."""
    source = path or data_path(FILE)
    population, _ = read_icbs()
    good, bad, _ = validate_file(source, DISCHARGE_SITREP, known_areas=population)
    findings = _rejected(bad.select(["row", "reason"]).to_pylist(), source.name)
    rows = good.to_pylist()
    months = sorted({str(r["month"]) for r in rows})
    icbs = sorted({str(r["icb23_code"]) for r in rows})
    key = _key
    findings += _quirks(rows, months, icbs) if rows else []
    return Sitrep({key(r): int(str(r["sum_of_daily"])) for r in rows},
                  {key(r): int(str(r["days_in_file"])) for r in rows}, tuple(icbs), tuple(months),
                  tuple(findings), {key(r): float(str(r["mean_of_daily"])) for r in rows},
                  {key(r): int(str(r["days_missing"])) for r in rows}, source.name)


@lru_cache(maxsize=1)
def load_sitrep() -> Sitrep:
    """The shipped sitrep (read once per process)."""
    return read_sitrep()


def evaluation_series(metric: str = "do_not_meet_criteria_to_reside", path: Path | None = None) -> SitrepSeries:
    """One measure's ICB x month means for the evaluation, refusing a file with any rejected row."""
    if metric not in SITREP_METRICS:
        raise NotFound(f"no sitrep metric '{metric}' (one of {', '.join(SITREP_METRICS)})")
    sitrep = load_sitrep() if path is None else read_sitrep(path)
    if sitrep.rejected:
        raise ValidationFailed(f"{sitrep.file}: {len(sitrep.rejected)} problem(s); first: {sitrep.rejected[0]}",
                               list(sitrep.rejected))
    population, names = read_icbs()
    values = {(icb, month): mean for (icb, m, month), mean in sitrep.means.items() if m == metric}
    gaps = sum(n for (_, m, _), n in sitrep.days_missing.items() if m == metric)
    months = tuple(sorted({m for _, m in values}))
    notes = [f"{sitrep.file}: {len(values)} ICB-months of {metric}, {months[0]} to {months[-1]}"] if months else []
    for code in sorted(population):
        absent = [m for m in months if (code, m) not in values]
        if absent:
            notes.append(f"{names[code]} has no {metric} for {len(absent)} month(s) from {absent[0]}; "
                         "left out of ICB comparisons, never filled in")
    if gaps:
        notes.append(f"{gaps} ICB-day(s) missing inside months; monthly means are of the days present")
    return SitrepSeries(metric, values, population, names, months, tuple(notes))


def mean_delay_days(area_code: str) -> dict[str, float]:
    """Month -> average delay per discharge in days for the area, by Little's law: the daily
    number of people who no longer meet the criteria to reside over the daily discharges
    (both apportioned from the area's ICBs). An estimate, labelled as such where used."""
    sitrep = load_sitrep()
    stock = sitrep.apportioned("do_not_meet_criteria_to_reside", area_code)
    flow = sitrep.apportioned("discharged_total", area_code)
    return {m: stock[m] / flow[m] for m in stock if flow.get(m)}
