"""The national dashboard's figures: every HWB area of the year's geography (151 in 2015, 153 from
2023): its plan status, pool, money so far and SPC variation.

A two-year programme's row also holds what is pooled in each plan year (``pooled_years``; columns
and sort keys ``pooled_2023_24``), so pages put a year's pool where a one-year programme's annual
pool would be and name ``pooled`` as the whole plan's. Its spend, performance sum earned and
payments to hospitals are split the same way (``books_years``; keys ``spend_2023_24`` and so on),
each plan year's from the books posted with a date in that year, and the whole plan's figure is
their sum (books dated outside the plan, another programme's, are in neither).

The rows for all 151 areas are computed once per store and kept until the plans or the ledger
change: the cache key is the store's highest plan-event id and highest ledger transaction id
(both tables are append-only and every plan change appends an event, every posting a
transaction), so a request reads two numbers instead of recomputing every area. When they
move, the table is put together again from parts kept with narrower keys (each area's latest
plan, the plans in force, the registers, the books' sums), so a draft for one area reads that
area's plan again and nothing else.

The SPC variation of each area's real monthly series (emergency admissions, BCF1, and delayed
transfer of care days, BCF4; both ``improvement = decrease``) depends only on the shipped
published files, so it is computed once per process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from carepool.errors import InputError
from carepool.ledger import accounts
from carepool.ledger.periods import parse_period
from carepool.metrics.spc import Improvement, SpcOptions, SpcResult, VariationIcon, parse_date, xmr
from carepool.plans.conditions import Condition
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference.published_series import AreaSeries, delayed_days, nonelective_admissions
from carepool.services import in_force, latest_plans, ledger, view_keys
from carepool.services.areas import geography_of
from carepool.services.read_scope import once
from carepool.services.users import User
from carepool.store import condition_repo as condition_repo
from carepool.store import ledger_repo, ledger_tables
from carepool.store import versions as store_versions
from carepool.store.db import Store
from carepool.store.plan_tables import PlanEventRow

NO_PLAN = "no plan"
NO_DATA = "no_data"
SORTS = ("code", "name", "region", "status", "pooled", "spend", "earned", "paid_to_acute",
         "admissions_variation", "delayed_variation")
COLUMNS = ("code", "name", "region", "status", "version", "pooled", "spend", "earned", "paid_to_acute",
           "admissions_variation", "delayed_variation")
METRICS = {"admissions": "Emergency admissions (BCF1)", "delayed": "Delayed transfer of care days (BCF4)"}
VARIATION_LABELS = {
    VariationIcon.COMMON_CAUSE.value: "Common cause variation",
    VariationIcon.IMPROVEMENT_LOW.value: "Special cause improvement (lower)",
    VariationIcon.IMPROVEMENT_HIGH.value: "Special cause improvement (higher)",
    VariationIcon.CONCERN_HIGH.value: "Special cause concern (higher)",
    VariationIcon.CONCERN_LOW.value: "Special cause concern (lower)",
    VariationIcon.NEUTRAL_HIGH.value: "Special cause variation (higher)",
    VariationIcon.NEUTRAL_LOW.value: "Special cause variation (lower)",
    NO_DATA: "No data",
}


def variation_label(icon: str) -> str:
    """Words for a variation icon (the dashboard shows these beside, and as the name of, the icon)."""
    return VARIATION_LABELS.get(icon, icon.replace("_", " "))


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    region: str
    status: str
    version: int | None
    pooled: int          # pence
    spend: int
    earned: int          # performance sum earned and released to the pool
    paid_to_acute: int   # performance sum paid to hospitals for admissions not avoided
    admissions_variation: str = NO_DATA   # a VariationIcon value, or NO_DATA
    delayed_variation: str = NO_DATA
    funded_version: int | None = None     # the version in force (assured, fundable), if any
    outcome: str = ""                     # its assurance outcome, or the refused one ("not approved")
    open_conditions: int = 0              # assurance conditions not yet met (the conditions register)
    pooled_years: tuple[tuple[str, int], ...] = ()   # a two-year programme: (plan year, pence pooled in it)
    # a two-year programme: (measure, plan year, pence) of spend, earned and paid_to_acute, by posting date
    books_years: tuple[tuple[str, str, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def value(self, key: str) -> Any:
        """A column's value: a field, or ``pooled_2023_24``, ``spend_2024_25`` and the like (that
        measure in that plan year; 0 if none)."""
        found = _PLAN_YEAR_KEY.match(key)
        if found is None:
            return getattr(self, key)
        measure, label = found.group(1), plan_year_of(key)
        if measure == "pooled":
            return next((pence for year, pence in self.pooled_years if year == label), 0)
        return next((pence for m, year, pence in self.books_years if m == measure and year == label), 0)

    def by_plan_year(self, measure: str) -> dict[str, int]:
        """{plan year: pence} of one of BOOKS_MEASURES (empty for a one-year programme)."""
        return {year: pence for m, year, pence in self.books_years if m == measure}


# a two-year programme's columns: each measure in each plan year --------------------------------
BOOKS_MEASURES = ("spend", "earned", "paid_to_acute")     # from the books, split by posting date
MEASURES = ("pooled", *BOOKS_MEASURES)
_PLAN_YEAR_KEY = re.compile(rf"^({'|'.join(MEASURES)})_(\d{{4}}_\d{{2}})$")
_TWO_YEAR_LABELS = ("2017-18", "2018-19", "2023-24", "2024-25")

# every shipped two-year programme's plan-year keys (2017-19, 2023-25), one fixed list for the API's
# contract; tests/web/test_dashboard_plan_years.py checks it against the programme files
PLAN_YEAR_SORTS = tuple(f"{m}_{label.replace('-', '_')}" for m in MEASURES for label in _TWO_YEAR_LABELS)


def plan_year_key(label: str, measure: str = "pooled") -> str:
    """'2023-24' -> 'pooled_2023_24' (a sort key and CSS class, so no hyphen)."""
    return f"{measure}_{label.replace('-', '_')}"


def plan_year_of(key: str) -> str:
    """'pooled_2023_24' (or 'paid_to_acute_2023_24') -> '2023-24'."""
    return key[-7:].replace("_", "-")


def plan_year_columns(year: str, measure: str = "pooled") -> tuple[tuple[str, str], ...]:
    """(key, plan year) of each plan year of a two-year programme; none for a one-year programme,
    whose columns are already the year's."""
    labels = load_programme(year).plan_years
    return tuple((plan_year_key(label, measure), label) for label in labels) if len(labels) > 1 else ()


def plan_year_sort_keys(year: str) -> tuple[str, ...]:
    """Every measure's plan-year keys of ``year`` (none for a one-year programme)."""
    return tuple(key for measure in MEASURES for key, _ in plan_year_columns(year, measure))


def whole_plan_label(year: str) -> str:
    """What the pooled column holds: '' for a one-year programme, 'whole plan 2023-25' for a two-year one."""
    programme = load_programme(year)
    if len(programme.plan_years) <= 1:
        return ""
    return f"whole plan {programme.plan_years[0][:4]}-{programme.plan_years[-1][-2:]}"


# SPC of the real series: once per process ----------------------------------------------------
def _charts(series: AreaSeries) -> dict[str, SpcResult]:
    by_area: dict[str, list[tuple[str, int]]] = {}
    for (area, month), value in series.values.items():
        by_area.setdefault(area, []).append((month, value))
    out: dict[str, SpcResult] = {}
    options = SpcOptions(improvement=Improvement.DECREASE)
    for area, points in by_area.items():
        points.sort()
        if len(points) < 2:
            continue
        out[area] = xmr([parse_date(m) for m, _ in points], [float(v) for _, v in points], options)
    return out


@lru_cache(maxsize=1)
def area_charts() -> dict[str, dict[str, SpcResult]]:
    """``{"admissions": {area: XmR chart}, "delayed": {...}}`` of the real monthly series (area pages draw these)."""
    return {"admissions": _charts(nonelective_admissions()), "delayed": _charts(delayed_days())}


@lru_cache(maxsize=1)
def area_variations() -> dict[str, dict[str, str]]:
    """``{"admissions": {area: icon}, "delayed": {area: icon}}`` from the real monthly series."""
    return {metric: {area: chart.variation.value for area, chart in charts.items()}
            for metric, charts in area_charts().items()}


# the store's figures, cached per store until plans or ledger change ---------------------------
def store_version(store: Store) -> tuple[int, ...]:
    """(highest plan-event id, highest ledger transaction id, highest conditions-register id): moves
    whenever a figure could change. One statement, asked once per page (``store/read_scope.py``)."""
    return once(store, "store_version", lambda: _read_store_version(store))


def _read_store_version(store: Store) -> tuple[int, ...]:
    events = select(func.coalesce(func.max(PlanEventRow.id), 0)).scalar_subquery()
    txns = select(func.coalesce(func.max(ledger_tables.transactions.c.id), 0)).scalar_subquery()
    conditions = condition_repo.latest_id_query()
    with store.transaction() as session:
        row = session.execute(select(events, txns, conditions)).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


ROWS_CACHE = "dashboard.rows"   # store.caches entry; its ``computed`` counts computations (tests, benchmark)
POSITIONS_CACHE = "dashboard.positions"     # the plans in force, until a version is assured
REGISTERS_CACHE = "dashboard.registers"     # the conditions registers, until one changes
MONEY_CACHE = "dashboard.money"             # the books' sums per area, until a transaction is posted


def _positions(store: Store, programme: ProgrammeYear) -> dict[str, in_force.InForce]:
    with store.transaction() as session:
        return in_force.positions(session, programme)


def _registers(store: Store, year: str) -> dict[str, dict[str, Condition]]:
    with store.transaction() as session:
        return condition_repo.registers(session, year)


def _money_by_area(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in ledger.trial_balance(store).lines:
        net = line.debit - line.credit
        if accounts.is_scheme_spend(line.account):
            key = "spend"
        elif line.account == accounts.RELEASED:
            key = "earned"
        elif line.account == accounts.PAID_TO_ACUTE:
            key = "paid_to_acute"
        else:
            continue
        sums = out.setdefault(line.area, {})
        sums[key] = sums.get(key, 0) + net
    return out


def books_by_plan_year(store: Store, programme: ProgrammeYear) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """{area: ((measure, plan year, pence), ...)} of a two-year programme: each plan year's spend,
    performance sum earned and payments to hospitals, from the postings dated in that year."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for label in programme.plan_years:
        period = parse_period(label)
        with store.transaction() as session:
            sums = ledger_repo.sums_between(session, period.start, period.end)
        per_area: dict[str, dict[str, int]] = {}
        for (area, account), pence in sums.items():
            measure = _measure_of(account)
            if measure is not None:
                totals = per_area.setdefault(area, {})
                totals[measure] = totals.get(measure, 0) + pence
        for area, totals in per_area.items():
            out.setdefault(area, []).extend((m, label, totals.get(m, 0)) for m in BOOKS_MEASURES)
    return {area: tuple(sorted(found, key=lambda f: (BOOKS_MEASURES.index(f[0]), f[1])))
            for area, found in out.items()}


def _measure_of(account: str) -> str | None:
    if accounts.is_scheme_spend(account):
        return "spend"
    if account == accounts.RELEASED:
        return "earned"
    if account == accounts.PAID_TO_ACUTE:
        return "paid_to_acute"
    return None


def _books_row(programme: ProgrammeYear, code: str, years: dict[str, tuple[tuple[str, str, int], ...]],
               sums: dict[str, int]) -> tuple[tuple[int, int, int], tuple[tuple[str, str, int], ...]]:
    """(spend, earned, paid_to_acute) and the per-year figures: a two-year programme's are its plan
    years' (every plan year named, 0 where nothing was posted) and their sum; a one-year
    programme's the books' balances, as before."""
    if len(programme.plan_years) <= 1:
        return (sums.get("spend", 0), sums.get("earned", 0), sums.get("paid_to_acute", 0)), ()
    found = {(m, label): pence for m, label, pence in years.get(code, ())}
    split = tuple((m, label, found.get((m, label), 0)) for m in BOOKS_MEASURES for label in programme.plan_years)
    whole = tuple(sum(pence for m, _, pence in split if m == measure) for measure in BOOKS_MEASURES)
    return (whole[0], whole[1], whole[2]), split


def _compute(store: Store, year: str) -> tuple[AreaRow, ...]:
    """Every area's row from its parts, each part kept until what it depends on moves: a draft for
    one area reads that area's plan again, not the plans in force, the registers or the books."""
    latest = latest_plans.latest_by_area(store, year)
    programme = load_programme(year)
    caches = store.caches
    positions = caches.named(POSITIONS_CACHE).get(year, view_keys.in_force_version(store, year),
                                                  lambda: _positions(store, programme))
    with store.transaction() as session:
        registered = condition_repo.latest_id(session)
        booked = store_versions.ledger_version(session)
    registers = caches.named(REGISTERS_CACHE).get(year, registered, lambda: _registers(store, programme.id))
    money = caches.named(MONEY_CACHE).get("all", booked, lambda: _money_by_area(store))
    years = (caches.named(MONEY_CACHE).get(f"years:{programme.id}", booked,
                                           lambda: books_by_plan_year(store, programme))
             if len(programme.plan_years) > 1 else {})
    spc = area_variations()
    rows: list[AreaRow] = []
    for code, area in sorted(geography_of(programme.id).areas.items()):   # the year's vintage
        record = latest.get(code)
        sums = money.get(code, {})
        position = positions.get(code)
        funded = position.record if position is not None else None
        shown = funded or record     # the pool is the plan in force's, not a newer draft's
        (spend, earned, paid), split = _books_row(programme, code, years, sums)
        rows.append(AreaRow(
            code, area.name, area.region_name,
            record.status.value if record else NO_PLAN, record.version if record else None,
            shown.plan.pooled_total.pence if shown else 0, spend, earned, paid,
            spc["admissions"].get(code, NO_DATA), spc["delayed"].get(code, NO_DATA),
            funded.version if funded else None,
            (position.state.outcome or "") if position is not None and position.state is not None else "",
            sum(1 for c in registers.get(code, {}).values() if c.status.value == "open"),
            _pooled_years(shown.plan, programme) if shown else (), split))
    return tuple(rows)


def _pooled_years(plan: Plan, programme: ProgrammeYear) -> tuple[tuple[str, int], ...]:
    """Each plan year's pooled pence of a two-year programme's plan (its funding lines of that year)."""
    if len(programme.plan_years) <= 1:
        return ()
    by_year = {label: money.pence for label, money in plan.pooled_by_plan_year}
    return tuple((label, by_year.get(label, 0)) for label in programme.plan_years)


def all_rows(store: Store, year: str) -> tuple[AreaRow, ...]:
    """Every area's row for ``year``, from the cache unless plans or the ledger have changed since."""
    return store.caches.named(ROWS_CACHE).get(year, store_version(store), lambda: _compute(store, year))


def area_rows(store: Store, user: User, year: str) -> list[AreaRow]:
    """One row per area the user may see, in area-code order."""
    return [r for r in all_rows(store, year) if user.can_see(r.code)]


def sorts_for(year: str | None) -> tuple[str, ...]:
    """The sort keys of ``year``'s dashboard: a two-year programme adds each plan year's pool,
    spend, performance sum earned and payments to hospitals, each before its whole-plan key."""
    if year is None:
        return SORTS
    out: list[str] = []
    for key in SORTS:
        if key in MEASURES:
            out.extend(k for k, _ in plan_year_columns(year, key))
        out.append(key)
    return tuple(out)


def select_rows(rows: list[AreaRow], *, status: str | None = None, q: str | None = None,
                sort: str = "code", order: str = "asc", year: str | None = None) -> list[AreaRow]:
    """Filter by status and name/code text, then sort; unknown sort keys are an InputError
    (``year``: a two-year programme's rows also sort by each plan year's pool; another programme's
    plan year, one of PLAN_YEAR_SORTS, has nothing pooled in this year's rows, so they stay in code order)."""
    sorts = sorts_for(year)
    if sort not in sorts and sort not in PLAN_YEAR_SORTS:
        raise InputError(f"cannot sort by '{sort}'; one of {', '.join(sorts)}", where="sort")
    if order not in ("asc", "desc"):
        raise InputError("order is 'asc' or 'desc'", where="order")
    key: Callable[[AreaRow], tuple[Any, str]] = lambda r: (r.value(sort), r.code)  # noqa: E731
    chosen = [r for r in rows if (not status or r.status == status)
              and (not q or q.lower() in r.name.lower() or q.upper() == r.code)]
    return sorted(chosen, key=key, reverse=order == "desc")
