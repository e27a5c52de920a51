"""Ledger use cases: post contributions, import spend, settle the year (statements and the Beancount
export are in ``ledger_statements``).

Each write is one store transaction: a batch is wholly posted or not at all, and re-running
any of them posts nothing twice (transactions carry idempotency keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from carepool.errors import InputError, NotFound, ValidationFailed
from carepool.exchange.payments import cells_by_row, read_payments
from carepool.findings import error, has_errors
from carepool.ledger.balances import TrialBalance
from carepool.ledger.contributions import (
    capital_streams,
    plan_year_to_post,
    plan_years,
    pooled_in_year,
    schedule_contributions,
    scheme_budgets,
)
from carepool.ledger.periods import ClosedPeriod, parse_period
from carepool.ledger.settlement import RiskShare, Settlement, settle_pool
from carepool.ledger.spend import Payment, check_payments, spend_transactions
from carepool.ledger.transactions import Transaction, reversal
from carepool.ledger.year_end import YearEnd
from carepool.money import Money
from carepool.performance import hold_back_transaction
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear, available_programmes, derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.reference.districts import tiers
from carepool.services import in_force, ledger_version
from carepool.services.condition_holds import hold_batch
from carepool.store import condition_repo as condition_repo
from carepool.store import ledger_repo as repo
from carepool.store.db import Store
from carepool.store.ledger_repo import BatchResult

ACTOR = "carepool"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Posted:
    what: str
    areas: int
    posted: int
    skipped: int
    postings: int
    amount: Money
    refused: tuple[tuple[str, str], ...] = ()   # (area, why) assured but not funded: nothing posted
    plan_year: str = ""                          # contributions: the plan year posted ("2023-24")


def assured_plans(session: Session, year: str, area: str | None = None) -> dict[str, Plan]:
    """The plan in force of every area (or one area) for the year: assured with a fundable outcome.

    A newer draft does not hide it, and a plan assured "not approved" is never among these
    (``services.in_force``); for one area without a plan in force, NotFound says why.
    """
    programme = load_programme(year)
    found = in_force.positions(session, programme, area)
    plans = {c: p.record.plan for c, p in found.items() if p.record is not None}
    if area is not None and area not in plans:
        refused = found[area].refused if area in found else ""
        raise NotFound(refused or f"no assured plan for area {area} in {year}")
    return plans


def performance_element(programme: ProgrammeYear, plan: Plan) -> Money:
    """The area's share of the national performance element (derived), or its own sum if not known."""
    minimums = derive_minimums(programme, load_reference())
    found = minimums.get(plan.area_code)
    return found.performance_element if found is not None else plan.ambition.performance_sum


def contribution_batch(plan: Plan, programme: ProgrammeYear,
                       capital_received: Mapping[tuple[str, str], date] | None = None,
                       plan_year: str | None = None) -> list[Transaction]:
    """Contributions, scheme budgets (memo) and the performance sum held back, for one plan and plan year."""
    batch = (schedule_contributions(plan, programme, capital_received, plan_year)
             + scheme_budgets(plan, programme, plan_year))
    held = hold_back_transaction(plan, programme, performance_element(programme, plan))
    return batch + ([held] if held is not None else [])


def post_contributions(store: Store, year: str, area: str | None = None, *, actor: str = ACTOR,
                       at: datetime | None = None,
                       capital_received: Mapping[tuple[str, str], date] | None = None,
                       plan_year: str | None = None) -> Posted:
    """Post every plan in force's contributions and scheme budgets for one plan year (a two-year
    programme must be told which: each year's own figures, in its own financial year)."""
    programme = load_programme(year)
    label = plan_year_to_post(programme, plan_year)
    with store.transaction() as session:
        plans = assured_plans(session, programme.id, area)
        refused = tuple(sorted(in_force.refusals(session, programme, area).items()))
        batch = [t for p in plans.values() for t in contribution_batch(p, programme, capital_received, label)]
        registers = condition_repo.registers(session, programme.id)
        for code, plan in sorted(plans.items()):   # money held while an assurance condition is open
            if registers.get(code):
                batch += hold_batch(session, programme, plan, registers[code], performance_element(programme, plan))
        result = repo.post_batch(session, batch, f"contributions {programme.id}", actor, at or now())
    return Posted("contributions", len(plans), result.posted, result.skipped, result.postings,
                  Money(sum(pooled_in_year(p, programme, label).pence for p in plans.values())), refused, label)


def import_spend(store: Store, path: Path, area: str | None = None, *, actor: str = ACTOR,
                 at: datetime | None = None) -> Posted:
    """Import a payments file: every finding reported, nothing posted unless there are none.

    Each payment is checked against the assured plan of the programme year its date falls in;
    with ``area`` named, a row for another area is a finding (one pool manager's file posts
    into no other area's books).
    """
    payments, findings = read_payments(path, area)
    if area is not None:
        findings += [error("spend.other-area", f"this row is for area {p.area}, not {area}: a file imported "
                           f"for {area} holds only its payments", file=path.name, row=p.row, field="area")
                     for p in payments if p.area != area]
    if has_errors(findings):
        findings.sort(key=lambda f: (f.location.row or 0, f.location.field or ""))
        raise ValidationFailed(f"{path.name}: {len(findings)} problem(s); nothing was posted", findings)
    by_year: dict[str, list[Payment]] = {}
    for p in payments:
        year = _year_of(p.on)
        if year is None:
            findings.append(error("spend.outside-year", f"{p.on.isoformat()} is in no programme year",
                                  file=path.name, row=p.row, field="date"))
        else:
            by_year.setdefault(year, []).append(p)
    with store.transaction() as session:
        batch: list[Transaction] = []
        for year, group in sorted(by_year.items()):
            plans = assured_plans(session, year)
            found = check_payments(group, plans, path.name)
            findings += found
            if not found:
                batch += spend_transactions(group, plans, capital_streams(load_programme(year)))
        if has_errors(findings):
            findings.sort(key=lambda f: (f.location.row or 0, f.location.field or ""))
            raise ValidationFailed(f"{path.name}: {len(findings)} problem(s); nothing was posted", findings)
        result = repo.post_batch(session, batch, f"spend {path.name}", actor, at or now())
    return Posted("spend", len({p.area for p in payments}), result.posted, result.skipped, result.postings,
                  Money(sum(p.pence for p in payments)))


def spend_file_cells(path: Path) -> dict[int, dict[str, str]]:
    """Each row of a payments file as text, to show a refused file's findings beside its rows."""
    return cells_by_row(path)


def plan_in_force(store: Store, year: str, area: str) -> Plan | None:
    """The area's plan in force (its pools and partners name the books), or None."""
    with store.transaction() as session:
        try:
            return assured_plans(session, load_programme(year).id, area)[area]
        except NotFound:
            return None


def _year_of(on: date) -> str | None:
    for year_id in available_programmes():
        programme = load_programme(year_id)
        if programme.start <= on <= programme.end:
            return programme.id
    return None


def post_batch(store: Store, batch: Sequence[Transaction], source: str, *, actor: str = ACTOR,
               at: datetime | None = None) -> BatchResult:
    with store.transaction() as session:
        return repo.post_batch(session, batch, source, actor, at or now())


def agreement_year(programme: ProgrammeYear, plan_year: str | None = None) -> str:
    """What a risk-share agreement is kept under: the programme ('bcf-2015-16'), or for a two-year
    programme its plan year ('bcf-2023-25:2024-25', the settlement's own year), which must be named:
    partners agree each year's sharing for that year (migration 0021 gave each plan year the
    agreement recorded for the whole programme before)."""
    label = plan_year_to_post(programme, plan_year, "agree the risk share of")
    return f"{programme.id}:{label}" if len(plan_years(programme)) > 1 else programme.id


def agreement_plan_years(year: str) -> tuple[str, ...]:
    """The plan years that each have their own risk-share agreement: a two-year programme's; none
    for a one-year programme (its one agreement is the year's)."""
    labels = plan_years(load_programme(year))
    return labels if len(labels) > 1 else ()


def set_risk_share(store: Store, area: str, year: str, pool: str, agreement: RiskShare, *, actor: str = ACTOR,
                   at: datetime | None = None, expected: str | None = None, plan_year: str | None = None) -> None:
    """Record a pool's agreement (a two-year programme's: of the plan year named) and who recorded
    it; with ``expected`` (the books' version token shown), only if the books are unchanged."""
    key = agreement_year(load_programme(year), plan_year)
    with store.transaction() as session:
        ledger_version.require(session, area, expected, "recorded")
        repo.set_risk_share(session, area, key, pool, agreement, actor, at or now())


def risk_share_records(store: Store, area: str, year: str,
                       plan_year: str | None = None) -> dict[str, tuple[str, datetime]]:
    """Pool -> (who recorded its agreement, when)."""
    key = agreement_year(load_programme(year), plan_year)
    with store.transaction() as session:
        return repo.risk_share_records(session, area, key)


def risk_shares(store: Store, area: str, year: str, plan_year: str | None = None) -> dict[str, RiskShare | None]:
    """Each pool of the area's plan in force and its recorded agreement (None: none recorded, so
    settlement shares the net in proportion to contributions); a two-year programme's of one plan year."""
    programme = load_programme(year)
    key = agreement_year(programme, plan_year)
    with store.transaction() as session:
        plan = assured_plans(session, programme.id, area)[area]
        return {pool.id: repo.risk_share(session, area, key, pool.id) for pool in plan.pools}


def year_end_for(programme: ProgrammeYear, area: str, plan_year: str | None = None) -> YearEnd:
    """The plan year being closed for ``area`` (a two-year programme's is named: its own financial
    year, and its own settlement keys), and where its capital goes: in a two-tier county the
    streams the programme passes to district councils (the DFG) go to its districts (named from
    the year's geography vintage; an unknown list is said plainly, never guessed)."""
    label = plan_year_to_post(programme, plan_year, "settle")
    period = parse_period(label)
    year = f"{programme.id}:{label}" if len(plan_years(programme)) > 1 else programme.id
    try:
        place = tiers(programme.vintage, area)
    except NotFound:
        return YearEnd(year, period.start, period.end)
    passed = frozenset(s.id for s in programme.streams
                       if s.passed_to == "district_council") if place.two_tier else frozenset()
    return YearEnd(year, period.start, period.end, passed & capital_streams(programme),
                   place.districts, place.name)


@dataclass(frozen=True)
class SettlementPreview:
    """What settling the plan year would post for one area now, or that the year is already closed."""

    area: str
    year: str
    closed: bool
    settlements: tuple[Settlement, ...]
    plan_year: str = ""      # the plan year ('2023-24') the preview settles


def _settlements(session: Session, programme: ProgrammeYear, plans: Mapping[str, Plan],
                 closed: set[str], plan_year: str) -> list[Settlement]:
    out: list[Settlement] = []
    for code, plan in sorted(plans.items()):
        if code in closed:
            continue
        txns = repo.transactions(session, area=code)
        when = year_end_for(programme, code, plan_year)
        for pool in plan.pools:     # the plan year's own agreement
            agreement = repo.risk_share(session, code, agreement_year(programme, plan_year), pool.id) or RiskShare()
            out.append(settle_pool(plan, pool.id, txns, agreement, when))
    return out


def _closed_years(session: Session, areas: Iterable[str], label: str) -> set[str]:
    """The areas whose plan year ``label`` is closed."""
    return {c.area for c in repo.closed_periods(session, list(areas)) if c.period.label == label}


def _require_earlier_settled(session: Session, programme: ProgrammeYear, areas: Iterable[str], label: str) -> None:
    """A plan year settles only after the plan years before it: its books open with what they carry forward."""
    years = plan_years(programme)
    for earlier in years[:years.index(label)]:
        open_areas = sorted(set(areas) - _closed_years(session, areas, earlier))
        if open_areas:
            raise InputError(f"settle {earlier} of {programme.id} before {label} (not yet settled for "
                             f"{', '.join(open_areas)}): {label}'s books open with what {earlier} carries forward",
                             where="plan year")


def plan_year_to_settle(store: Store, year: str, area: str) -> str:
    """The plan year the area settles next: the earliest not yet closed (the last if all are)."""
    programme = load_programme(year)
    years = plan_years(programme)
    with store.transaction() as session:
        closed = {c.period.label for c in repo.closed_periods(session, [area])}
    return next((y for y in years if y not in closed), years[-1])


def settlement_name(year: str, plan_year: str | None) -> str:
    """What a settlement closes, for people: 'bcf-2015-16', or 'plan year 2024-25 of bcf-2023-25'."""
    programme = load_programme(year)
    label = plan_year_to_post(programme, plan_year, "settle")
    return f"plan year {label} of {programme.id}" if len(plan_years(programme)) > 1 else programme.id


def settlement_preview(store: Store, year: str, area: str, plan_year: str | None = None) -> SettlementPreview:
    """The settlement ``settle`` would post for ``area`` now (computed the same way; nothing written);
    without ``plan_year``, of the plan year the area settles next."""
    programme = load_programme(year)
    label = plan_year_to_post(programme, plan_year or plan_year_to_settle(store, year, area), "settle")
    with store.transaction() as session:
        plans = assured_plans(session, programme.id, area)
        closed = _closed_years(session, plans, label)
        return SettlementPreview(area, programme.id, area in closed,
                                 tuple(_settlements(session, programme, plans, closed, label)), label)


def settle(store: Store, year: str, area: str | None = None, *, actor: str = ACTOR,
           at: datetime | None = None, expected: str | None = None,
           plan_year: str | None = None) -> list[Settlement]:
    """Settle every pool's plan year by fund, then close that year (per area): the revenue
    over/underspend by its risk share (less what the agreement keeps in the pool), capital by stream
    (to district councils or carried forward), and next year's brought-forward balances. Only the
    transactions dated in the plan year count; a two-year programme is settled one named plan year at
    a time, in order. With ``expected`` (one area's books' version token, as shown), nothing is done
    if the books have moved since."""
    if expected is not None and area is None:
        raise ValueError("a version token binds the settlement of one area: name the area")
    programme = load_programme(year)
    label = plan_year_to_post(programme, plan_year, "settle")
    period = parse_period(label)
    with store.transaction() as session:
        if area is not None:
            ledger_version.require(session, area, expected, "settled")
        plans = assured_plans(session, programme.id, area)
        closed = _closed_years(session, plans, label)
        _require_earlier_settled(session, programme, set(plans) - closed, label)
        out = _settlements(session, programme, plans, closed, label)
        batch = [txn for result in out for txn in result.transactions]
        source = f"settlement {programme.id}" + (f" {label}" if len(plan_years(programme)) > 1 else "")
        repo.post_batch(session, batch, source, actor, at or now())
        for code in sorted(set(plans) - closed):
            repo.close_period(session, code, period, actor, at or now())
    return out


def close_period(store: Store, area: str, label: str, *, actor: str = ACTOR, at: datetime | None = None,
                 expected: str | None = None) -> bool:
    """Close a period for ``area`` (False: it was closed already); ``expected`` as for ``settle``."""
    period = parse_period(label)
    with store.transaction() as session:
        ledger_version.require(session, area, expected, "closed")
        return repo.close_period(session, area, period, actor, at or now())


def closed_periods(store: Store, area: str) -> list[ClosedPeriod]:
    with store.transaction() as session:
        return list(repo.closed_periods(session, [area]))


def reverse(store: Store, key: str, on: date, reason: str, *, actor: str = ACTOR,
            at: datetime | None = None) -> BatchResult:
    """Correct a posted transaction by reversing it (the only way to correct the books)."""
    with store.transaction() as session:
        found = repo.transactions(session, keys=[key])
        if not found:
            raise NotFound(f"no transaction with key '{key}'")
        fix = reversal(found[0], f"{key}:reversal", on, reason)
        return repo.post_batch(session, [fix], f"reversal of {key}", actor, at or now())


def trial_balance(store: Store, area: str | None = None) -> TrialBalance:
    with store.transaction() as session:
        return repo.stored_trial_balance(session, area)


def area_transactions(store: Store, area: str | None = None) -> list[Transaction]:
    with store.transaction() as session:
        return repo.transactions(session, area=area)
