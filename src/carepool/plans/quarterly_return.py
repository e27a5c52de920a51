"""The quarterly return: what a Better Care Fund area reports to the centre each quarter.

A return names the quarter (``2015Q1``, shown as "2015-16 Q1"), the income to and expenditure
from each pool to date and the expenditure of each scheme to date (in pence), the quarter's
non-elective (emergency) admissions -- the figure payment for performance is assessed on --
and delayed transfer of care days, an answer for each of the programme year's national
conditions (with a comment when one is not met), and a narrative. Who submitted it and when
are recorded with the stored version (``ReturnRecord``): a submitted return never changes, a
correction is a new version of the same quarter.

``validate_return`` checks a return against its programme year and the area's assured plan
and returns every finding as data; ``quarterly_return_json`` reads and writes the documented
JSON shape (the CLI file, the API body and the web form all arrive as it).
Deadlines come from the programme year (``deadlines: return_2015Q1: ...``); a return is on
time when it is submitted by the end of its deadline day (UTC).

From 2021-22 (``return_metrics.is_current``) a return also reports each metric of the year's set
(``return_metrics.MetricLine``), there is an end-of-year return per financial year (its period
is the year, ``2025-26``), and the admissions and delayed transfer of care days of the 2015-era
returns are no longer asked for (the delayed transfers collection ended in February 2020).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from carepool.errors import InputError
from carepool.findings import Finding, error, warning
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.return_metrics import (
    END_OF_YEAR,
    MetricLine,
    is_current,
    is_year_end,
    validate_metrics,
    year_end_periods,
)
from carepool.programme.model import ProgrammeYear

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$")
_LABELLED = re.compile(r"^(\d{4})-(\d{2})\s*Q([1-4])$")
_YEAR_END = re.compile(r"^(\d{4})-(\d{2})(?:\s*END OF YEAR)?$")
DEADLINE_PREFIX = "return_"
MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class PoolLine:
    """One pool's money to date (from the start of the year to the end of the quarter)."""

    pool: str
    income_to_date: Money
    expenditure_to_date: Money


@dataclass(frozen=True, slots=True)
class SchemeLine:
    """One scheme's expenditure to date."""

    scheme: str
    expenditure_to_date: Money


@dataclass(frozen=True, slots=True)
class ConditionAnswer:
    """Whether a national condition is met; a condition not met needs a comment."""

    id: str
    met: bool | None          # None: not answered
    comment: str = ""


@dataclass(frozen=True)
class QuarterlyReturn:
    area_code: str
    year: str                 # programme year id, e.g. "bcf-2015-16"
    quarter: str              # "2015Q1"
    pools: tuple[PoolLine, ...]
    schemes: tuple[SchemeLine, ...]
    admissions: int | None    # non-elective admissions in the quarter (payment for performance)
    delayed_days: int | None  # delayed transfer of care days in the quarter
    conditions: tuple[ConditionAnswer, ...]
    narrative: str = ""
    illustrative: bool = False
    metrics: tuple[MetricLine, ...] = ()   # current years only: each metric of the year's set

    @property
    def income_to_date(self) -> Money:
        return Money(sum(p.income_to_date.pence for p in self.pools))

    @property
    def expenditure_to_date(self) -> Money:
        return Money(sum(p.expenditure_to_date.pence for p in self.pools))

    def condition(self, condition_id: str) -> ConditionAnswer | None:
        return next((c for c in self.conditions if c.id == condition_id), None)


@dataclass(frozen=True)
class ReturnRecord:
    """A stored (submitted, so unchangeable) version of an area's return for a quarter."""

    id: int
    version: int
    document: QuarterlyReturn
    submitted_by: str
    submitted_at: datetime
    deadline: date | None

    @property
    def area_code(self) -> str:
        return self.document.area_code

    @property
    def year(self) -> str:
        return self.document.year

    @property
    def quarter(self) -> str:
        return self.document.quarter

    @property
    def on_time(self) -> bool | None:
        """Submitted by the deadline (None when the year names no deadline for the quarter)."""
        return is_on_time(self.submitted_at, self.deadline)

    @property
    def label(self) -> str:
        """The quarter as returns name it: '2015-16 Q1'."""
        return quarter_label(self.quarter)


# quarters and deadlines -------------------------------------------------------------------
def parse_quarter(text: str) -> str | None:
    """'2015Q1', '2015 q1' or '2015-16 Q1' as '2015Q1'; None when it is not a quarter."""
    raw = text.strip().upper()
    found = _QUARTER.match(raw)
    if found:
        return f"{found[1]}Q{found[2]}"
    labelled = _LABELLED.match(raw)
    if labelled and (int(labelled[1]) + 1) % 100 == int(labelled[2]):
        return f"{labelled[1]}Q{labelled[3]}"
    return None


def parse_period(text: str) -> str | None:
    """A quarter (as ``parse_quarter``) or a financial year for an end-of-year return: '2025-26'
    or '2025-26 end of year' as '2025-26'; None when it is neither."""
    quarter = parse_quarter(text)
    if quarter is not None:
        return quarter
    found = _YEAR_END.match(text.strip().upper())
    if found and (int(found[1]) + 1) % 100 == int(found[2]):
        return f"{found[1]}-{found[2]}"
    return None


def quarter_label(quarter: str) -> str:
    """'2015Q1' as '2015-16 Q1' (how returns name their quarter); '2025-26' as '2025-26 end of year'."""
    if is_year_end(quarter):
        return f"{quarter} {END_OF_YEAR}"
    found = _QUARTER.match(quarter)
    if not found:
        return quarter
    start = int(found[1])
    return f"{start}-{(start + 1) % 100:02d} Q{found[2]}"


def quarter_end(quarter: str) -> date:
    """The last day of a financial quarter ('2015Q1' ends 30 June 2015) or year ('2025-26': 31 March 2026)."""
    if is_year_end(quarter):
        return date(int(quarter[:4]) + 1, 3, 31)
    found = _QUARTER.match(quarter)
    if not found:
        raise InputError(f"'{quarter}' is not a quarter like 2015Q1")
    year, q = int(found[1]), int(found[2])
    month = 4 + 3 * q                       # the month after the quarter
    following = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return following - timedelta(days=1)


def return_deadline(programme: ProgrammeYear, quarter: str) -> date | None:
    """The quarter's return deadline from the programme year (``deadlines: return_2015Q1``)."""
    return dict(programme.deadlines).get(f"{DEADLINE_PREFIX}{quarter}")


def is_on_time(submitted_at: datetime, deadline: date | None) -> bool | None:
    if deadline is None:
        return None
    return _utc_date(submitted_at) <= deadline


def _utc_date(at: datetime) -> date:
    if at.tzinfo is not None:
        offset = at.utcoffset()
        at = at.replace(tzinfo=None) - (offset or timedelta(0))
    return at.date()


# validation -------------------------------------------------------------------------------
def validate_return(ret: QuarterlyReturn, programme: ProgrammeYear, plan: Plan | None, *,
                    submitted_at: datetime | None = None) -> list[Finding]:
    """Every finding about ``ret`` (errors refuse it; warnings are for someone to look at)."""
    found: list[Finding] = []
    if ret.year != programme.id:
        found.append(error("return.year", f"the return is for '{ret.year}', not {programme.id}", field="year"))
    periods = programme.quarters + year_end_periods(programme)
    if ret.quarter not in periods:
        found.append(error("return.quarter", f"'{ret.quarter}' is not a quarter of {programme.name} "
                           f"({', '.join(quarter_label(q) for q in periods)})", field="quarter"))
    elif submitted_at is not None:
        if _utc_date(submitted_at) <= quarter_end(ret.quarter):
            found.append(error("return.quarter-not-ended", f"{quarter_label(ret.quarter)} ends on "
                               f"{quarter_end(ret.quarter).isoformat()}; a return reports a finished quarter",
                               field="quarter"))
        deadline = return_deadline(programme, ret.quarter)
        if is_on_time(submitted_at, deadline) is False and deadline is not None:
            found.append(warning("return.late", f"the return for {quarter_label(ret.quarter)} was due by "
                                 f"{deadline.isoformat()}", field="quarter"))
    if plan is None:
        found.append(error("return.no-plan", f"{ret.area_code} has no assured plan for {programme.id}; "
                           "a quarterly return reports against the assured plan", field="area_code"))
    elif plan.area_code != ret.area_code:
        found.append(error("return.area", f"the plan is for {plan.area_code}, not {ret.area_code}",
                           field="area_code"))
    found += _check_counts(ret, programme)
    found += _check_money(ret, programme, plan)
    found += _check_conditions(ret, programme)
    if is_current(programme):
        found += validate_metrics(ret.metrics, programme, ret.quarter)
    elif ret.metrics:
        found.append(error("return.metrics-not-asked", f"{programme.name} returns have no metrics section: "
                           "report the admissions and delayed days", field="metrics"))
    if len(ret.narrative) > MAX_TEXT:
        found.append(error("return.narrative-length", f"the narrative is longer than {MAX_TEXT:,} characters",
                           field="narrative"))
    elif not ret.narrative.strip():
        found.append(warning("return.narrative", "there is no narrative: say how the quarter went",
                             field="narrative"))
    return found


def _limit(programme: ProgrammeYear) -> int:
    """The largest number a return cell may hold (the 2015-16 return: 0 to 100,000,000)."""
    return programme.amount_max.pence // 100


def _check_counts(ret: QuarterlyReturn, programme: ProgrammeYear) -> list[Finding]:
    found: list[Finding] = []
    for name, value, words in (("admissions", ret.admissions, "non-elective admissions"),
                               ("delayed_days", ret.delayed_days, "delayed transfer of care days")):
        if value is None and is_current(programme):
            continue              # not asked for from 2021-22: the metrics section reports activity
        if value is None:
            found.append(error(f"return.{name}-missing", f"give the quarter's {words}", field=name))
        elif value < 0:
            found.append(error("return.negative", f"{words} cannot be negative ({value:,})", field=name))
        elif value > _limit(programme):
            found.append(error("return.limit", f"{words} of {value:,} is more than the return allows "
                               f"({_limit(programme):,})", field=name))
    return found


def _check_amount(amount: Money, what: str, where: str, programme: ProgrammeYear) -> list[Finding]:
    """Amounts cannot be negative. The cell limit is not applied to money: a large area's pool
    holds more than GBP 100m a year (the demo's Kent pool: GBP 164.6m), so only counts are capped."""
    if amount.is_negative:
        return [error("return.negative", f"{what} cannot be negative ({amount})", field=where)]
    return []


def _check_money(ret: QuarterlyReturn, programme: ProgrammeYear, plan: Plan | None) -> list[Finding]:
    found: list[Finding] = []
    pools = {p.id: p for p in plan.pools} if plan is not None else {}
    schemes = {s.ref: s for s in plan.schemes} if plan is not None else {}
    seen: set[str] = set()
    for line in ret.pools:
        where = f"pools.{line.pool}"
        found += _check_amount(line.income_to_date, f"pool {line.pool} income to date", f"{where}.income_to_date",
                               programme)
        found += _check_amount(line.expenditure_to_date, f"pool {line.pool} expenditure to date",
                               f"{where}.expenditure_to_date", programme)
        if line.pool in seen:
            found.append(error("return.pool-duplicate", f"pool {line.pool} is reported more than once", field=where))
        seen.add(line.pool)
        if plan is None:
            continue
        if line.pool not in pools:
            found.append(error("return.pool-unknown", f"'{line.pool}' is not a pool of the plan "
                               f"({', '.join(sorted(pools))})", field=where))
            continue
        size = plan.pool_total(line.pool)
        if line.expenditure_to_date > size:
            found.append(warning("return.pool-overspent", f"pool {line.pool} has spent {line.expenditure_to_date}, "
                                 f"more than its {size} for the year: the risk share will meet the overspend",
                                 field=f"{where}.expenditure_to_date"))
    for missing in sorted(set(pools) - seen):
        found.append(error("return.pool-missing", f"report income and expenditure to date for pool {missing}",
                           field=f"pools.{missing}"))
    by_pool: dict[str, int] = {}
    seen_schemes: set[str] = set()
    for s in ret.schemes:
        where = f"schemes.{s.scheme}.expenditure_to_date"
        found += _check_amount(s.expenditure_to_date, f"scheme {s.scheme} expenditure to date", where, programme)
        if s.scheme in seen_schemes:
            found.append(error("return.scheme-duplicate", f"scheme {s.scheme} is reported more than once",
                               field=f"schemes.{s.scheme}"))
        seen_schemes.add(s.scheme)
        if plan is None:
            continue
        scheme = schemes.get(s.scheme)
        if scheme is None:
            found.append(error("return.scheme-unknown", f"'{s.scheme}' is not a scheme of the plan",
                               field=f"schemes.{s.scheme}"))
            continue
        by_pool[scheme.pool] = by_pool.get(scheme.pool, 0) + s.expenditure_to_date.pence
    reported = {line.pool: line.expenditure_to_date for line in ret.pools}
    for pool, spent in sorted(by_pool.items()):
        if pool in reported and spent > reported[pool].pence:
            found.append(error("return.spend-exceeds-pool", f"the schemes of pool {pool} have spent "
                               f"{Money(spent)}, more than the pool's expenditure to date of {reported[pool]}",
                               field=f"pools.{pool}.expenditure_to_date"))
    return found


def _check_conditions(ret: QuarterlyReturn, programme: ProgrammeYear) -> list[Finding]:
    found: list[Finding] = []
    known = {c.id: c for c in programme.conditions}
    seen: set[str] = set()
    for answer in ret.conditions:
        where = f"conditions.{answer.id}"
        if answer.id not in known:
            found.append(error("return.condition-unknown", f"'{answer.id}' is not a national condition of "
                               f"{programme.id}", field=where))
        elif answer.id in seen:
            found.append(error("return.condition-duplicate", f"condition {answer.id} is answered more than once",
                               field=where))
        seen.add(answer.id)
        if answer.met is False and not answer.comment.strip():
            found.append(error("return.condition-comment", f"condition {answer.id} is not met: say why and what "
                               "is being done", field=f"{where}.comment"))
        if len(answer.comment) > MAX_TEXT:
            found.append(error("return.comment-length", f"the comment is longer than {MAX_TEXT:,} characters",
                               field=f"{where}.comment"))
    for condition in programme.conditions:
        given = ret.condition(condition.id)
        if given is None or given.met is None:
            found.append(error("return.condition-missing", f"say whether national condition {condition.id} "
                               f"({condition.title}) is met", field=f"conditions.{condition.id}"))
    return found
