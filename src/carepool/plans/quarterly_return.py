"""The quarterly return: what a Better Care Fund area reports to the centre each quarter.

A return names the quarter (``2015Q1``, shown as "2015-16 Q1"), the income to and expenditure
from each pool to date and the expenditure of each scheme to date (in pence), the quarter's
non-elective (emergency) admissions -- the figure payment for performance is assessed on --
and delayed transfer of care days, an answer for each of the programme year's national
conditions (with a comment when one is not met), and a narrative. Who submitted it and when
are recorded with the stored version (``ReturnRecord``): a submitted return never changes, a
correction is a new version of the same quarter.

``validate_return`` checks a return against its programme year and the area's assured plan
and returns every finding as data; ``return_from_dict`` reads the documented JSON shape (the
CLI file, the API body and the web form all arrive as it) with a finding for every bad field.
Deadlines come from the programme year (``deadlines: return_2015Q1: ...``); a return is on
time when it is submitted by the end of its deadline day (UTC).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from carepool.errors import InputError
from carepool.findings import Finding, error, warning
from carepool.money import Money, parse_money
from carepool.plans.model import Plan
from carepool.programme.model import ProgrammeYear

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$")
_LABELLED = re.compile(r"^(\d{4})-(\d{2})\s*Q([1-4])$")
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


def quarter_label(quarter: str) -> str:
    """'2015Q1' as '2015-16 Q1' (how returns name their quarter)."""
    found = _QUARTER.match(quarter)
    if not found:
        return quarter
    start = int(found[1])
    return f"{start}-{(start + 1) % 100:02d} Q{found[2]}"


def quarter_end(quarter: str) -> date:
    """The last day of a financial quarter ('2015Q1' ends 30 June 2015)."""
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
    if ret.quarter not in programme.quarters:
        found.append(error("return.quarter", f"'{ret.quarter}' is not a quarter of {programme.name} "
                           f"({', '.join(quarter_label(q) for q in programme.quarters)})", field="quarter"))
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


# the documented JSON shape ------------------------------------------------------------------
def return_to_dict(ret: QuarterlyReturn) -> dict[str, Any]:
    """The return as JSON-ready data (amounts in pence, exactly)."""
    return {
        "area_code": ret.area_code, "year": ret.year, "quarter": ret.quarter,
        "non_elective_admissions": ret.admissions, "delayed_days": ret.delayed_days,
        "pools": [{"pool": p.pool, "income_to_date_pence": p.income_to_date.pence,
                   "expenditure_to_date_pence": p.expenditure_to_date.pence} for p in ret.pools],
        "schemes": [{"scheme": s.scheme, "expenditure_to_date_pence": s.expenditure_to_date.pence}
                    for s in ret.schemes],
        "conditions": [{"id": c.id, "met": c.met, "comment": c.comment} for c in ret.conditions],
        "narrative": ret.narrative, "illustrative": ret.illustrative,
    }


class _Reader:
    """Reads one JSON object, collecting a finding for every bad field instead of stopping."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.found: list[Finding] = []

    def bad(self, rule: str, message: str, where: str) -> None:
        self.found.append(error(rule, message, file=self.file, field=where))

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.bad("return.missing", f"'{key}' is missing", where)
            return ""
        if not isinstance(value, str):
            self.bad("return.type", f"'{key}' should be text, not {value!r}", where)
            return ""
        return value.strip() if required else value

    def count(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.fullmatch(r"-?\d[\d,]*", value.strip()):
            return int(value.strip().replace(",", ""))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.bad("return.count", f"'{value}' is not a whole number", where)
        return None

    def money(self, data: Mapping[str, Any], key: str, where: str) -> Money | None:
        """``<key>_pence`` (whole pence) or ``<key>`` (pounds: '1234.56' or a number), read exactly."""
        pence = data.get(f"{key}_pence")
        if pence is not None:
            if isinstance(pence, int) and not isinstance(pence, bool):
                return Money(pence)
            self.bad("return.money", f"'{pence}' is not a whole number of pence", where)
            return None
        value = data.get(key)
        if value is None or value == "":
            self.bad("return.missing", f"'{key}' is missing (pounds, e.g. 1234.56)", where)
            return None
        try:
            return parse_money(value)
        except InputError as exc:
            self.bad("return.money", str(exc), where)
            return None

    def items(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.bad("return.type", f"'{key}' should be a list", key)
            return []
        out: list[Mapping[str, Any]] = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(item)
            else:
                self.bad("return.type", f"{key}[{i}] should be an object", f"{key}[{i}]")
        return out


def _met(value: object) -> bool | str | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        words = {"yes": True, "true": True, "met": True, "no": False, "false": False, "not met": False, "": None}
        return words.get(value.strip().lower(), value)
    return str(value)


def return_from_dict(data: object, *, file: str | None = None,
                     defaults: Mapping[str, str] | None = None) -> tuple[QuarterlyReturn | None, list[Finding]]:
    """Read the documented JSON shape; a finding for every field that cannot be read.

    Returns None only when ``data`` is not an object; otherwise the return holds what could be
    read (a bad value is left out) so ``validate_return`` can report the rest as well.

    ``defaults`` fills ``area_code`` or ``year`` when the data leaves them out (the web form
    and the API know the area from the address).
    """
    r = _Reader(file)
    if not isinstance(data, Mapping):
        r.bad("return.type", "a quarterly return is a JSON object", "(whole input)")
        return None, r.found
    merged: dict[str, Any] = {**(defaults or {}), **{k: v for k, v in data.items() if v is not None}}
    area = r.text(merged, "area_code", "area_code", required=True).upper()
    year = r.text(merged, "year", "year", required=True)
    raw_quarter = r.text(merged, "quarter", "quarter", required=True)
    quarter = parse_quarter(raw_quarter) if raw_quarter else None
    if raw_quarter and quarter is None:
        r.bad("return.quarter", f"'{raw_quarter}' is not a quarter like 2015Q1 or 2015-16 Q1", "quarter")
    pools: list[PoolLine] = []
    for i, item in enumerate(r.items(merged, "pools")):
        pool = r.text(item, "pool", f"pools[{i}].pool", required=True)
        income = r.money(item, "income_to_date", f"pools.{pool or i}.income_to_date")
        spent = r.money(item, "expenditure_to_date", f"pools.{pool or i}.expenditure_to_date")
        if pool and income is not None and spent is not None:
            pools.append(PoolLine(pool, income, spent))
    schemes: list[SchemeLine] = []
    for i, item in enumerate(r.items(merged, "schemes")):
        scheme = r.text(item, "scheme", f"schemes[{i}].scheme", required=True)
        spent = r.money(item, "expenditure_to_date", f"schemes.{scheme or i}.expenditure_to_date")
        if scheme and spent is not None:
            schemes.append(SchemeLine(scheme, spent))
    conditions: list[ConditionAnswer] = []
    for i, item in enumerate(r.items(merged, "conditions")):
        cid = r.text(item, "id", f"conditions[{i}].id", required=True)
        met = _met(item.get("met"))
        if isinstance(met, str):
            r.bad("return.condition-met", f"'{met}' is not yes or no", f"conditions.{cid or i}")
            met = None
        if cid:
            conditions.append(ConditionAnswer(cid, met, r.text(item, "comment", f"conditions.{cid}.comment")))
    admissions = r.count(merged, "non_elective_admissions", "admissions")
    delayed = r.count(merged, "delayed_days", "delayed_days")
    narrative = r.text(merged, "narrative", "narrative")
    illustrative = merged.get("illustrative", False) is True
    # what could be read is returned with the findings, so validation can add what else is wrong
    return QuarterlyReturn(area, year, quarter or raw_quarter.upper(), tuple(pools), tuple(schemes), admissions,
                           delayed, tuple(conditions), narrative, illustrative), r.found


def merge_findings(read: list[Finding], checked: list[Finding]) -> list[Finding]:
    """Reading findings, then validation findings about fields reading has not already flagged."""
    flagged = [f.location.field for f in read if f.location.field]

    def overlaps(field: str | None) -> bool:
        return field is not None and any(field.startswith(x) or x.startswith(field) for x in flagged)

    return read + [f for f in checked if not overlaps(f.location.field)]
