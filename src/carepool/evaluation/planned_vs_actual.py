"""Planned versus actual, 2014-15 to 2015-16, in the style of the NAO's 2017 table.

The actual side comes from the real published series shipped in ``reference/data``:
non-elective admissions (MAR, by CCG, mapped to HWB areas by exact population shares; the
three Newcastle/Gateshead CCGs reach their successor 13T through the reference data) and
delayed-transfer days (DToC, by local authority). England totals are the published England
rows, so they include activity no area is responsible for. The planned side is whatever the
plans said, one record per area. Changes are valued at unit costs that are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from carepool.errors import InputError
from carepool.money import Money
from carepool.reference import ReferenceData, load_reference
from carepool.reference.published_series import delayed_days, nonelective_admissions

# National Audit Office, Health and social care integration (Feb 2017), 2015-16 vs 2014-15.
NAO_2017 = {
    "planned_admissions_change": -106_000, "actual_admissions_change": 87_000,
    "planned_delayed_days_change": -293_000, "actual_delayed_days_change": 185_000,
    "planned_admissions_saving": Money.pounds(171_000_000),
    "planned_delayed_days_saving": Money.pounds(90_000_000),
    "total_planned_savings": Money.pounds(511_000_000),
}


ADMISSION_COST = Money.pounds(1490)   # BCF planning guidance
DELAYED_DAY_COST = Money.from_decimal_rounded(Decimal(90_000_000) / Decimal(293_000))   # derived


@dataclass(frozen=True)
class UnitCosts:
    """Unit costs used to value changes, each with where it came from."""

    admission: Money = ADMISSION_COST
    admission_basis: str = "BCF planning guidance: £1,490 per non-elective admission"
    delayed_day: Money = DELAYED_DAY_COST
    delayed_day_basis: str = "derived: NAO 2017 planned saving £90m / 293,000 delayed days"


@dataclass(frozen=True)
class Change:
    """One metric's totals in the two years, and the change."""

    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class AreaActual:
    area_code: str
    area_name: str
    admissions: Change
    delayed_days: Change


@dataclass(frozen=True)
class Actuals:
    """Actual changes per area and for England (published England rows)."""

    year_before: str
    year_after: str
    areas: tuple[AreaActual, ...]
    england_admissions: Change
    england_delayed_days: Change
    unreadable_cells: tuple[str, ...]   # blank or '-' cells in the years used, reported not fixed


@dataclass(frozen=True)
class PlannedChange:
    """An area's planned reductions (positive numbers mean fewer admissions/days)."""

    area_code: str
    admissions_reduction: int
    delayed_days_reduction: int


@dataclass(frozen=True)
class MetricRow:
    metric: str
    planned_change: float
    planned_saving: Money
    actual_change: float
    actual_value: Money                 # cost (+) or saving (-) of the actual change
    worse_than_plan: Money              # value of (actual - planned)


@dataclass(frozen=True)
class PlannedVsActual:
    """The NAO-style table for England and each area with a plan."""

    rows: tuple[MetricRow, ...]
    total_planned_savings: Money
    areas: dict[str, tuple[MetricRow, ...]]
    costs: UnitCosts
    actuals: Actuals
    nao_2017: dict[str, object] = field(default_factory=lambda: dict(NAO_2017))


def _fy(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


UNREADABLE = ("published.mar.unreadable", "published.dtoc.missing")   # cells the reader could not use


def actual_changes(year_before: str = "2014-15", year_after: str = "2015-16",
                   ref: ReferenceData | None = None) -> Actuals:
    """Actual admissions and delayed-days changes from the shipped published series."""
    ref = ref or load_reference()
    years = (year_before, year_after)
    sources = (nonelective_admissions(), delayed_days())
    per_area = [{a: [0.0, 0.0] for a in ref.areas} for _ in sources]
    england = [[0.0, 0.0], [0.0, 0.0]]
    for k, series in enumerate(sources):
        for (area, period), value in series.values.items():
            if _fy(period) in years:
                per_area[k][area][years.index(_fy(period))] += value
        for period, value in series.england.items():
            if _fy(period) in years:
                england[k][years.index(_fy(period))] += value
    if not england[0][0] or not england[1][0]:
        raise InputError(f"no published England rows for {year_before}: years run 2012-13 to 2019-20")
    bad = tuple(f"{f.location.file} {f.message}" for series in sources for f in series.findings
                if f.rule in UNREADABLE and _fy(f.message[:7]) in years)
    adm, dtoc = per_area
    areas = tuple(
        AreaActual(code, ref.areas[code].name, Change(*adm[code]), Change(*dtoc[code])) for code in ref.areas)
    return Actuals(year_before, year_after, areas, Change(*england[0]), Change(*england[1]), bad)


def planned_vs_actual(planned: Iterable[PlannedChange] | Mapping[str, PlannedChange],
                      actuals: Actuals | None = None, costs: UnitCosts | None = None) -> PlannedVsActual:
    """Compare plans with what happened, valued at unit costs (England and per area)."""
    actuals = actuals or actual_changes()
    costs = costs or UnitCosts()
    plans = list(planned.values()) if isinstance(planned, Mapping) else list(planned)
    by_area = {a.area_code: a for a in actuals.areas}
    unknown = [p.area_code for p in plans if p.area_code not in by_area]
    if unknown:
        raise InputError(f"planned changes name unknown area code(s) {', '.join(unknown[:5])}")
    seen: set[str] = set()
    for p in plans:
        if p.area_code in seen:
            raise InputError(f"area {p.area_code} has more than one planned change")
        seen.add(p.area_code)
    adm_plan = -sum(p.admissions_reduction for p in plans)
    dd_plan = -sum(p.delayed_days_reduction for p in plans)
    rows = (_row("emergency admissions", adm_plan, actuals.england_admissions.change, costs.admission),
            _row("delayed-transfer days", dd_plan, actuals.england_delayed_days.change, costs.delayed_day))
    areas: dict[str, tuple[MetricRow, ...]] = {
        p.area_code: (
            _row("emergency admissions", -p.admissions_reduction,
                 by_area[p.area_code].admissions.change, costs.admission),
            _row("delayed-transfer days", -p.delayed_days_reduction,
                 by_area[p.area_code].delayed_days.change, costs.delayed_day))
        for p in plans}
    return PlannedVsActual(rows, rows[0].planned_saving + rows[1].planned_saving, areas, costs, actuals)


def _row(metric: str, planned: float, actual: float, unit: Money) -> MetricRow:
    return MetricRow(metric, planned, _value(-planned, unit), actual, _value(actual, unit),
                     _value(actual - planned, unit))


def _value(count: float, unit: Money) -> Money:
    return Money.from_decimal_rounded(Decimal(str(round(count, 6))) * unit.decimal)


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None
