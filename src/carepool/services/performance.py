"""Payment-for-performance use case: run a quarter for every assured plan against actual admissions.

Admissions come from a file (``read_admissions``), straight from the metrics engine
(``{(area, quarter): admissions}``) or from the areas' quarterly returns (``services.returns``
calls ``post_quarter`` in the same store transaction that stores the return); every missing
or bad figure is reported and nothing posts unless all areas can be assessed. Re-running a
quarter posts nothing twice. Each assessed quarter's figures are stored
(``performance_assessments``), and ``performance_quarters`` reads them back for the quarter
view, beside the amounts of the ledger transaction in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from carepool.errors import InputError, NotFound, ValidationFailed
from carepool.exchange.ledger_admissions import read_admissions
from carepool.findings import Finding, error, has_errors
from carepool.ledger import accounts
from carepool.ledger.transactions import Kind, Transaction, reversal
from carepool.money import Money
from carepool.performance import QuarterOutcome, assess_quarter, quarter_transaction
from carepool.programme import ProgrammeYear, available_programmes, load_programme
from carepool.services import plans
from carepool.services.ledger import ACTOR, area_transactions, assured_plans, now, performance_element
from carepool.store import ledger_repo as repo
from carepool.store import return_repo as returns_repo
from carepool.store.db import Store

PROVISIONAL = " [provisional: self-reported admissions]"
VERIFIED = " [verified admissions]"
VERIFIED_SOURCE = "verified: "


@dataclass(frozen=True)
class QuarterRun:
    quarter: str
    year: str
    outcomes: tuple[QuarterOutcome, ...]
    posted: int
    skipped: int
    reversed: int = 0     # earlier postings of the quarter reversed by a corrected return
    findings: tuple[Finding, ...] = ()   # e.g. a return far from the verified admissions

    def total(self, field: str) -> Money:
        return Money(sum(int(getattr(o, field)) for o in self.outcomes))


def programme_for_quarter(quarter: str) -> ProgrammeYear:
    for year_id in available_programmes():
        year = load_programme(year_id)
        if quarter in year.quarters:
            return year
    raise InputError(f"no programme year has the quarter '{quarter}'")


def admissions_from_file(path: Path) -> dict[tuple[str, str], int]:
    data, findings = read_admissions(path)
    if has_errors(findings):
        raise ValidationFailed(f"{path.name}: {len(findings)} problem(s); nothing was posted", findings)
    return data


def admissions_from_activity(data_dir: Path, engine: str = "duckdb") -> dict[tuple[str, str], int]:
    """Quarterly emergency admissions counted by the metrics engine from person-level activity."""
    from carepool.engines.compute import quarterly_emergency_admissions

    return quarterly_emergency_admissions(data_dir, engine)


def admissions_from(file: Path | None, activity: Path | None, engine: str = "duckdb", *,
                    which: str = "the quarter's actual") -> dict[tuple[str, str], int]:
    """Quarterly admissions from exactly one source: a file, or the metrics engine over activity."""
    if file is not None and activity is None:
        return admissions_from_file(file)
    if activity is not None and file is None:
        return admissions_from_activity(activity, engine)
    raise InputError(f"give {which} admissions: --admissions FILE or --activity DIR")


def run_quarter(store: Store, quarter: str, admissions: Mapping[tuple[str, str], int], *,
                area: str | None = None, actor: str = ACTOR, at: datetime | None = None) -> QuarterRun:
    """Assess ``quarter`` for every assured plan (or one area) and post the results as one batch."""
    programme = programme_for_quarter(quarter)
    with store.transaction() as session:
        return post_quarter(session, programme, quarter, admissions, area=area, actor=actor, at=at or now(),
                            source="admissions given to the run")


def post_quarter(session: Session, programme: ProgrammeYear, quarter: str,
                 admissions: Mapping[tuple[str, str], int], *, area: str | None = None,
                 areas: set[str] | None = None, actor: str, at: datetime, source: str,
                 returns: Mapping[str, int] | None = None, correct: bool = False,
                 notes: Mapping[str, str] | None = None) -> QuarterRun:
    """Assess and post ``quarter`` in the caller's transaction, and store the assessed figures.

    ``areas`` limits the run to those areas (``area`` to one); ``returns`` maps an area to the
    id of the stored return its admissions came from. With ``correct``, a posting of the quarter
    already in force with other figures is reversed first and the corrected one posted (a
    corrected return); without it, different figures for a posted quarter are a conflict.
    ``notes`` end each area's narration (``PROVISIONAL`` or ``VERIFIED``): a provisional posting
    is reversed and re-posted when the verified figure arrives (``services.verification``).
    """
    plans_by_area = assured_plans(session, programme.id, area)
    if areas is not None:
        plans_by_area = {c: p for c, p in plans_by_area.items() if c in areas}
        missing_plans = sorted(areas - set(plans_by_area))
        if missing_plans:
            raise NotFound(f"no assured plan in {programme.id} for {', '.join(missing_plans)}")
    findings: list[Finding] = []
    outcomes: list[QuarterOutcome] = []
    for code, plan in sorted(plans_by_area.items()):
        actual = admissions.get((code, quarter))
        if actual is None:
            findings.append(error("performance.no-admissions", f"no admissions for {code} in {quarter}",
                                  field=f"{code} {quarter}"))
            continue
        outcomes.append(assess_quarter(plan, programme, performance_element(programme, plan), quarter, actual))
    if findings:
        raise ValidationFailed(f"{quarter}: {len(findings)} area(s) without admissions; nothing was posted",
                               findings)
    reversed_count = 0
    batch: list[Transaction] = []
    keys: dict[str, str | None] = {}
    for o in outcomes:
        txn = quarter_transaction(plans_by_area[o.area], programme, o, (notes or {}).get(o.area, ""))
        base = f"pfp:{programme.id}:{o.area}:{quarter}"
        key = _key_in_force(session, base)
        if correct:
            stored = repo.digests(session, [key]).get(key)
            if stored is not None and (txn is None or stored != replace(txn, key=key).digest()):
                original = repo.transactions(session, keys=[key])[0]
                fix = reversal(original, f"{key}:reversal", original.on, f"corrected figures for {quarter} ({source})")
                repo.post_batch(session, [fix], f"correction {quarter} {o.area}", actor, at)
                reversed_count += 1
                key = _key_in_force(session, base)
        if txn is None:
            keys[o.area] = None
            continue
        batch.append(replace(txn, key=key))
        keys[o.area] = key
    result = repo.post_batch(session, batch, f"performance {quarter}", actor, at)
    _record_assessments(session, programme.id, quarter, outcomes, keys, returns or {}, source, actor, at)
    return QuarterRun(quarter, programme.id, tuple(outcomes), result.posted, result.skipped, reversed_count)


def _key_in_force(session: Session, base: str) -> str:
    """The key a quarter's posting has now: the base key, or 'base:r2', ... after reversals."""
    key, revision = base, 1
    while repo.reversed_among(session, [key]):
        revision += 1
        key = f"{base}:r{revision}"
    return key


def _record_assessments(session: Session, year: str, quarter: str, outcomes: list[QuarterOutcome],
                        keys: Mapping[str, str | None], returns: Mapping[str, int], source: str, actor: str,
                        at: datetime) -> None:
    """One row per assessed area, unless the latest one already says the same."""
    latest: dict[str, returns_repo.Assessment] = {}
    for a in returns_repo.assessments(session, None, year):
        if a.quarter == quarter:
            latest[a.area_code] = a
    for o in outcomes:
        before = latest.get(o.area)
        same = before is not None and (before.ledger_key, before.actual, before.return_id, before.released,
                                       before.paid_to_acute) == (keys.get(o.area), o.actual, returns.get(o.area),
                                                                 o.released, o.paid_to_acute)
        if same:
            continue
        returns_repo.add_assessment(
            session, area=o.area, year=year, quarter=quarter, return_id=returns.get(o.area), baseline=o.baseline,
            actual=o.actual, avoided=o.avoided, planned_reduction=o.planned_reduction, share=o.share,
            released=o.released, paid_to_acute=o.paid_to_acute, tariff_outside=o.tariff_outside,
            out_of_hospital=o.out_of_hospital, ledger_key=keys.get(o.area), source=source, actor=actor, at=at)


# the payment-for-performance quarter view of one area --------------------------------------------
@dataclass(frozen=True)
class QuarterView:
    """One quarter of an area's payment for performance, as assessed and posted (amounts in pence).

    ``baseline``, ``actual`` and ``avoided`` are the stored assessment of the posting in force;
    before the quarter has been run, ``baseline`` is the latest plan's and the others are None.
    ``return_version`` names the quarterly return the admissions came from (None when the
    quarter was run from a file or the metrics engine).
    """

    quarter: str
    baseline: int | None
    actual: int | None
    avoided: int | None
    released: int
    paid_to_acute: int
    tariff_outside: int
    posted: str | None      # the transaction key in force for the quarter, if run
    return_version: int | None = None
    provisional: bool = False   # released on the return's self-reported admissions, not yet verified

    @property
    def assessed(self) -> bool:
        return self.posted is not None


def performance_quarters(store: Store, area: str, year: str) -> list[QuarterView]:
    """Per quarter of ``year``: baseline, actual, avoided, released, paid to hospitals, tariff outside.

    Amounts are those of the ledger's performance transaction in force for the quarter (a
    reversed run and its reversal are left out, so a corrected quarter shows the run in force);
    the admissions are the assessment stored with that posting.
    """
    programme = load_programme(year)
    try:
        record = plans.get_plan(store, area, programme.id)
        baselines: tuple[int, ...] | None = tuple(record.plan.ambition.baseline_quarters)
    except NotFound:
        baselines = None
    txns = area_transactions(store, area)
    with store.transaction() as session:
        stored = returns_repo.assessments(session, area, programme.id)
        versions = returns_repo.return_versions_by_id(session, {a.return_id for a in stored if a.return_id})
    by_key = {a.ledger_key: a for a in stored if a.ledger_key}     # the latest assessment of each posting
    reversed_keys = {t.reverses for t in txns if t.reverses}
    prefix = f"pfp:{programme.id}:{area}:"
    in_force = {t.key.split(":")[3]: t for t in txns
                if t.kind == Kind.PERFORMANCE.value and t.key.startswith(prefix) and t.key not in reversed_keys}
    out: list[QuarterView] = []
    for i, label in enumerate(programme.quarters):
        baseline = baselines[i] if baselines is not None and i < len(baselines) else None
        txn = in_force.get(label)
        if txn is None:
            out.append(QuarterView(label, baseline, None, None, 0, 0, 0, None))
            continue
        amounts = {p.account: p.pence for p in txn.postings if p.pence > 0}
        found = by_key.get(txn.key)
        out.append(QuarterView(
            label, found.baseline if found else baseline, found.actual if found else None,
            found.avoided if found else None, amounts.get(accounts.RELEASED, 0),
            amounts.get(accounts.PAID_TO_ACUTE, 0), amounts.get(accounts.TARIFF_OUTSIDE, 0), txn.key,
            versions.get(found.return_id) if found and found.return_id else None,
            txn.narration.endswith(PROVISIONAL)))
    return out
