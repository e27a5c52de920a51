"""Quarterly return use cases: submit (from a file, the API or the web form), list, on-time status.

``submit`` validates a return against its programme year and the area's assured plan and
refuses it with every finding (nothing is stored); an accepted return is stored as the next
version of its quarter and, in the same store transaction, its non-elective admissions feed
payment for performance (``services.performance.post_quarter``): the quarter is posted to
the ledger and its assessed figures stored. A corrected return (a later version with other
admissions) reverses the quarter's posting in force and posts the corrected one.

From 2021-22 a return (quarterly, or end of year with the financial year as its period) also
reports each metric of the year's set: ``services.return_metrics.complete`` fills each goal
from the plan and, where a metrics file from person-level data is given, the engine's actual
and interval, before validation; the area enters the actuals the engine does not have.

Who may submit: a partner's finance or commissioning lead (``partner_lead``) or the pool
manager, in their own area. Everyone who may see the area may read its returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from carepool.errors import ConfigurationError, InputError, NotFound, PermissionDenied, ValidationFailed
from carepool.findings import Finding, error, has_errors
from carepool.ledger import accounts
from carepool.ledger.transactions import Transaction
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.quarterly_return import (
    PoolLine,
    QuarterlyReturn,
    ReturnRecord,
    SchemeLine,
    is_on_time,
    quarter_end,
    quarter_label,
    return_deadline,
    validate_return,
)
from carepool.plans.quarterly_return_json import merge_findings, return_from_dict, return_to_dict
from carepool.plans.return_metrics import is_current, year_end_periods
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import load_reference
from carepool.reference.load_geography import geography_2023
from carepool.services import in_force, performance, return_metrics, verification
from carepool.services.clock import now_utc
from carepool.services.ledger import area_transactions, assured_plans
from carepool.services.performance import QuarterRun
from carepool.services.users import Role, User
from carepool.store import return_repo as repo
from carepool.store.db import Store

SUBMITTERS = frozenset({Role.PARTNER_LEAD, Role.POOL_MANAGER})
MAX_FILE_BYTES = 2 * 1024 * 1024



# who may submit ---------------------------------------------------------------------------------
def may_submit(user: User, area: str) -> bool:
    """Partner finance/commissioning leads and pool managers, in their own area only."""
    return user.role in SUBMITTERS and not user.national and user.can_see(area)


def require_submitter(user: User, area: str) -> None:
    if not may_submit(user, area):
        raise PermissionDenied(f"your role ({user.role.value}) may not submit quarterly returns for area {area}")


# checking and submitting ------------------------------------------------------------------------
@dataclass(frozen=True)
class Submitted:
    record: ReturnRecord
    run: QuarterRun | None
    findings: list[Finding]      # warnings (an accepted return has no errors)


def _programme(year: str) -> ProgrammeYear | None:
    try:
        return load_programme(year)
    except ConfigurationError:
        return None


def _plan(session: Session, year: str, area: str) -> Plan | None:
    try:
        return assured_plans(session, year, area)[area]
    except NotFound:
        return None


def _known_area(programme: ProgrammeYear, code: str) -> bool:
    """An HWB area of the year's geography (the 2015 areas, or today's for 2023-vintage years)."""
    if programme.vintage == "2023":
        return geography_2023().knows(code)
    return code in load_reference().areas


def _check(session: Session, ret: QuarterlyReturn, at: datetime, plans: Mapping[str, Plan] | None = None,
           metrics_path: Path | None = None) -> tuple[ProgrammeYear | None, QuarterlyReturn, list[Finding]]:
    """``plans``: the year's assured plans by area, when the caller has them (else read for this area).
    Current years: the return comes back with its metrics completed (goals, engine figures)."""
    programme = _programme(ret.year)
    if programme is None:
        return None, ret, [error("return.year", f"'{ret.year}' is not a programme year", field="year")]
    if not _known_area(programme, ret.area_code):
        return programme, ret, [error("return.area-unknown", f"'{ret.area_code}' is not an HWB area code",
                                      field="area_code")]
    plan = plans.get(ret.area_code) if plans is not None else _plan(session, programme.id, ret.area_code)
    completed: list[Finding] = []
    if is_current(programme):
        figures = return_metrics.engine_figures(metrics_path, ret.area_code, ret.quarter,
                                                [m.code for m in programme.metrics])
        ret, completed = return_metrics.complete(ret, programme, plan, figures)
    found = validate_return(ret, programme, plan, submitted_at=at) + completed
    if plan is None:
        why = in_force.refusals(session, programme, ret.area_code).get(ret.area_code)
        if why:   # assured, but with an outcome that is never funded: say so
            found = [replace(f, message=f"{f.message} ({why})") if f.rule == "return.no-plan" else f for f in found]
    return programme, ret, found


def check(store: Store, ret: QuarterlyReturn, *, at: datetime | None = None,
          metrics_file: str | Path | None = None) -> list[Finding]:
    """Every finding about ``ret`` as if it were submitted ``at`` (now by default); stores nothing."""
    path = return_metrics.metrics_file(metrics_file)
    with store.transaction() as session:
        return _check(session, ret, at or now_utc(), metrics_path=path)[2]


def submit(store: Store, ret: QuarterlyReturn, *, actor: str, at: datetime | None = None,
           read_findings: Sequence[Finding] = (), source: str = "return",
           metrics_file: str | Path | None = None) -> Submitted:
    """Validate and store ``ret`` as a new version, and post its quarter; refuse it with every finding.

    ``metrics_file``: engine figures for current years' metrics (default ``CAREPOOL_METRICS_FILE``)."""
    at = at or now_utc()
    path = return_metrics.metrics_file(metrics_file)
    with store.transaction() as session:
        programme, ret, found = _check(session, ret, at, metrics_path=path)
        found = merge_findings(list(read_findings), found)
        if has_errors(found) or programme is None:
            raise ValidationFailed(f"{source}: the quarterly return has errors and was not stored", found)
        record = repo.add_version(session, ret, actor, at, return_deadline(programme, ret.quarter))
        run = _post(session, programme, [record], actor, at)
    return Submitted(record, run, found + list(run.findings if run is not None else ()))


def _post(session: Session, programme: ProgrammeYear, records: Sequence[ReturnRecord], actor: str,
          at: datetime) -> QuarterRun | None:
    """Feed the returns' admissions to payment for performance (one quarter, in this transaction)."""
    if programme.performance.scheme == "none" or not records or records[0].quarter not in programme.quarters:
        return None
    quarter = records[0].quarter
    reported = {r.area_code: r.document.admissions for r in records if r.document.admissions is not None}
    # a verified figure (metrics engine, national series) decides where there is one; else provisional
    figures, notes, differ = verification.for_returns(session, programme, quarter, reported)
    sources = {r.area_code: r.id for r in records}
    label = ", ".join(f"{r.area_code} v{r.version}" for r in records[:3]) + (" ..." if len(records) > 3 else "")
    run = performance.post_quarter(session, programme, quarter, {(a, quarter): n for a, n in figures.items()},
                                   areas=set(sources), actor=actor, at=at,
                                   source=f"quarterly return {quarter_label(quarter)} ({label})",
                                   returns=sources, correct=True, notes=notes)
    return replace(run, findings=tuple(differ))


def submit_data(store: Store, data: object, *, actor: str, area: str | None = None, year: str | None = None,
                at: datetime | None = None, file: str | None = None,
                metrics_file: str | Path | None = None, read_findings: Sequence[Finding] = ()) -> Submitted:
    """Read the documented JSON shape (a file, the API body, the web form) and submit it.

    ``area`` (and ``year``) come from the address on the web: the data may leave them out, and
    a return for another area is refused.
    """
    defaults = {k: v for k, v in (("area_code", area), ("year", year)) if v}
    ret, read = return_from_dict(data, file=file, defaults=defaults)
    read = [*read_findings, *read]      # e.g. a workbook's cells that could not be read
    if ret is None:
        raise ValidationFailed(f"{file or 'the return'}: it could not be read", read)
    if area is not None and ret.area_code != area:
        read = [*read, error("return.area", f"this return is for {ret.area_code}, not {area}", file=file,
                             field="area_code")]
    return submit(store, ret, actor=actor, at=at, read_findings=read, source=file or "return",
                  metrics_file=metrics_file)


def read_file(path: Path) -> object:
    """The JSON in ``path``; a syntax error is a finding naming the line and column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a return is much smaller")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"{path.name}: not UTF-8 text", [
            error("return.encoding", f"the file is not UTF-8 text ({exc.reason})", file=path.name)]) from exc
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path.name}: not valid JSON", [
            error("return.json", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                  file=path.name, row=exc.lineno)]) from exc


def submit_file(store: Store, path: Path, *, actor: str, at: datetime | None = None,
                metrics_file: str | Path | None = None) -> Submitted:
    """Submit a return from a JSON file (the shape is documented in README.md); a return workbook
    goes through ``services.return_workbooks.submit_workbook``."""
    return submit_data(store, read_file(path), actor=actor, at=at, file=path.name, metrics_file=metrics_file)


def submit_quarter(store: Store, returns: Sequence[QuarterlyReturn], *, actor: str, at: datetime,
                   skip_unchanged: bool = False,
                   metrics_file: str | Path | None = None) -> tuple[int, QuarterRun | None]:
    """Submit many areas' returns for one quarter in one transaction (the demo): all or none.

    With ``skip_unchanged``, a return equal to its quarter's latest version is not stored again.
    Returns how many were stored and the payment-for-performance run.
    """
    if not returns:
        return 0, None
    quarters = {(r.year, r.quarter) for r in returns}
    if len(quarters) != 1:
        raise InputError("submit_quarter takes the returns of one quarter of one year")
    path = return_metrics.metrics_file(metrics_file)
    with store.transaction() as session:
        programme = _programme(returns[0].year)
        assured = assured_plans(session, programme.id) if programme is not None else {}
        findings: list[Finding] = []
        checked: list[QuarterlyReturn] = []
        for given in returns:
            _, ret, found = _check(session, given, at, assured, path)
            checked.append(ret)
            findings += [f for f in found if f.severity.value == "error"]
        returns = checked
        if findings or programme is None:
            raise ValidationFailed(f"{len(findings)} problem(s) in the quarter's returns; none was stored", findings)
        latest = _latest_documents(session, programme.id, returns[0].quarter) if skip_unchanged else {}
        deadline = return_deadline(programme, returns[0].quarter)
        records = [repo.add_version(session, ret, actor, at, deadline) for ret in returns
                   if latest.get(ret.area_code) != return_to_dict(ret)]
        run = _post(session, programme, records, actor, at)
    return len(records), run


def _latest_documents(session: Session, year: str, quarter: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for record in repo.versions(session, None, year, quarter):
        out[record.area_code] = return_to_dict(record.document)
    return out


# reading ------------------------------------------------------------------------------------------
def list_returns(store: Store, area: str, year: str | None = None) -> list[ReturnRecord]:
    """Every version of the area's returns (of one year), by quarter then version."""
    code = area_code(area)
    with store.transaction() as session:
        return repo.versions(session, code, year)


def latest_returns(store: Store, area: str, year: str) -> dict[str, ReturnRecord]:
    """The latest version of each quarter's return, by quarter."""
    return {r.quarter: r for r in list_returns(store, area, year)}


@dataclass(frozen=True)
class QuarterStatus:
    """Where an area's return for a quarter stands: due by when, first submitted when, on time?"""

    quarter: str
    label: str
    deadline: date | None
    first_submitted_at: datetime | None
    latest: ReturnRecord | None

    @property
    def on_time(self) -> bool | None:
        """The first version was in by the deadline (a later correction does not make it late)."""
        if self.first_submitted_at is None:
            return None
        return is_on_time(self.first_submitted_at, self.deadline)

    def due(self, as_of: date) -> bool:
        return self.deadline is not None and self.deadline < as_of


def statuses(store: Store, area: str, year: str) -> list[QuarterStatus]:
    """Each quarter of ``year``: its deadline, when the return first came in, and its latest version."""
    programme = load_programme(year)
    return _statuses(programme, list_returns(store, area, programme.id))


def _statuses(programme: ProgrammeYear, records: Iterable[ReturnRecord]) -> list[QuarterStatus]:
    first: dict[str, datetime] = {}
    latest: dict[str, ReturnRecord] = {}
    for r in records:
        first[r.quarter] = min(first.get(r.quarter, r.submitted_at), r.submitted_at)
        if r.quarter not in latest or r.version > latest[r.quarter].version:
            latest[r.quarter] = r
    return [QuarterStatus(q, quarter_label(q), return_deadline(programme, q), first.get(q), latest.get(q))
            for q in programme.quarters + year_end_periods(programme)]


def on_time_counts(store: Store, year: str, as_of: date) -> dict[str, tuple[int, int]]:
    """Per area with returns: (returns due by ``as_of``, of which submitted on time): the scorecard's input."""
    programme = load_programme(year)
    with store.transaction() as session:
        records = repo.versions(session, None, programme.id)
    by_area: dict[str, list[ReturnRecord]] = {}
    for r in records:
        by_area.setdefault(r.area_code, []).append(r)
    out: dict[str, tuple[int, int]] = {}
    for area, mine in sorted(by_area.items()):
        due = [s for s in _statuses(programme, mine) if s.due(as_of)]
        out[area] = (len(due), sum(1 for s in due if s.on_time))
    return out


def collect(store: Store, year: str, period: str) -> list[return_metrics.CollectedMetric]:
    """The national collection of a current year's metrics: each area's latest return for ``period``."""
    programme = load_programme(year)
    with store.transaction() as session:
        records = repo.versions(session, None, programme.id, period)
    return return_metrics.collected_rows(programme, records)


# figures from the books -----------------------------------------------------------------------------
def finance_from_transactions(plan: Plan, txns: Iterable[Transaction],
                              quarter: str) -> tuple[tuple[PoolLine, ...], tuple[SchemeLine, ...]]:
    """Income to and expenditure from each pool, and each scheme's expenditure, up to the quarter's end."""
    end = quarter_end(quarter)
    income: dict[str, int] = {p.id: 0 for p in plan.pools}
    spent: dict[str, int] = {p.id: 0 for p in plan.pools}
    by_scheme: dict[str, int] = {s.ref: 0 for s in plan.schemes}
    for txn in txns:
        if txn.area != plan.area_code or txn.on > end or txn.pool not in income:
            continue
        for p in txn.postings:
            ref = accounts.scheme_of_spend(p.account)
            if accounts.is_contribution(p.account):
                income[txn.pool] -= p.pence
            elif ref in by_scheme:
                spent[txn.pool] += p.pence
                by_scheme[ref] += p.pence
    pools = tuple(PoolLine(pid, Money(income[pid]), Money(spent[pid])) for pid in income)
    schemes = tuple(SchemeLine(ref, Money(v)) for ref, v in by_scheme.items())
    return pools, schemes


def finance_to_date(store: Store, plan: Plan, quarter: str) -> tuple[tuple[PoolLine, ...], tuple[SchemeLine, ...]]:
    """The pool's books to the end of the quarter (to pre-fill a return)."""
    return finance_from_transactions(plan, area_transactions(store, plan.area_code), quarter)


def area_code(area: str) -> str:
    """The HWB area's code, of the 2015 areas or today's (NotFound naming the code otherwise)."""
    code = area.strip().upper()
    if code not in load_reference().areas and geography_2023().knows(code):
        return geography_2023().area(code).code
    return load_reference().area(code).code


def assured_plan(store: Store, area: str, year: str) -> Plan | None:
    with store.transaction() as session:
        return _plan(session, load_programme(year).id, area_code(area))


def as_rows(records: Iterable[ReturnRecord]) -> list[Mapping[str, object]]:
    """Records as plain JSON-ready rows (the CLI's --json and the API)."""
    return [{"area_code": r.area_code, "year": r.year, "quarter": r.quarter, "label": quarter_label(r.quarter),
             "version": r.version, "submitted_by": r.submitted_by, "submitted_at": r.submitted_at.isoformat(),
             "deadline": r.deadline.isoformat() if r.deadline else None, "on_time": r.on_time,
             "return": return_to_dict(r.document)} for r in records]
