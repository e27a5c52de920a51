"""Plan use cases: template, validate, import, export, sign off, submit, assure.

Every write happens in one store transaction, so a refused import leaves the store exactly
as it was. Validation always returns every finding; ``ValidationFailed`` carries them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from carepool.errors import ConflictError, InputError, NotFound, ValidationFailed
from carepool.exchange.excel import write_plan_workbook
from carepool.exchange.excel.isolated import MEMORY_BYTES, SECONDS, read_and_validate_isolated, start_reader
from carepool.findings import Finding, has_errors
from carepool.money import Money
from carepool.plans import lifecycle
from carepool.plans.model import Ambition, ConditionConfirmation, FundingLine, MetricPlan, Plan, Pool, area_partners
from carepool.plans.rules.year_rules import partner_signatories, role_label
from carepool.plans.serialise import plan_to_dict
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.plans.target_revision import check_revision
from carepool.plans.validate import validate_plan
from carepool.programme import load_programme
from carepool.programme.minimums import derive_minimums
from carepool.reference import load_reference
from carepool.reference.load_geography import geography_2023
from carepool.services import conditions as conditions_service
from carepool.services import in_force
from carepool.store import plan_repo as repo
from carepool.store.db import Store
from carepool.store.plan_repo import PlanRecord as PlanRecord
from carepool.store.plan_repo import content_sha256


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class PlanCheck:
    """The outcome of reading and validating a plan: the plan (if readable) and every finding."""

    source: str
    plan: Plan | None
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return self.plan is not None and not has_errors(self.findings)


def area_code_for(area_code: str, year_id: str) -> str:
    """The area's code in the geography of the year (a 2015 council planning with another
    area's board maps to that area; an old code in a 2023-geography year names its successor)."""
    if load_programme(year_id).vintage == "2023":
        try:
            return geography_2023().area(area_code).code
        except NotFound as exc:
            raise NotFound(f"{load_programme(year_id).name}: {exc}") from None
    return load_reference().area(area_code).code


def write_template(area_code: str, year_id: str, out: Path) -> Path:
    ref = load_reference()
    return write_plan_workbook(out, area_code=area_code_for(area_code, year_id), year=load_programme(year_id),
                               ref=ref)


def check_plan(plan: Plan, *, stage: str = "draft") -> list[Finding]:
    return validate_plan(plan, load_programme(plan.year), load_reference(), stage=stage)


def _workbook_limits() -> tuple[int, float]:
    """(memory bytes, seconds) a workbook read may use: CAREPOOL_WORKBOOK_MEMORY_MB, CAREPOOL_WORKBOOK_SECONDS."""
    try:
        memory = int(os.environ.get("CAREPOOL_WORKBOOK_MEMORY_MB", "")) * 1_000_000
    except ValueError:
        memory = MEMORY_BYTES
    try:
        seconds = float(os.environ.get("CAREPOOL_WORKBOOK_SECONDS", ""))
    except ValueError:
        seconds = SECONDS
    return (memory if memory > 0 else MEMORY_BYTES), (seconds if seconds > 0 else SECONDS)


def start_workbook_reader() -> None:
    """Start the worker process that reads workbooks now (a server at start-up), not at the first upload."""
    memory, _ = _workbook_limits()
    start_reader(memory_bytes=memory)


def check_workbook(path: Path, *, stage: str = "draft") -> PlanCheck:
    """Read a workbook and validate what it holds; findings point at sheets and cells.

    The reading happens in a worker process with a memory and a time limit (an upload is
    untrusted), so a hostile workbook gets a refusal finding, never the server's memory.
    """
    memory, seconds = _workbook_limits()
    read, findings = read_and_validate_isolated(path, ref=load_reference(), stage=stage, memory_bytes=memory,
                                                seconds=seconds)
    return PlanCheck(str(path), read.plan, findings)


def import_plan(store: Store, plan: Plan, *, actor: str, at: datetime | None = None,
                source: str = "plan") -> PlanRecord:
    """Store a valid plan as a new version; refuse an invalid one and store nothing."""
    findings = check_plan(plan)
    if has_errors(findings):
        raise ValidationFailed(f"{source}: the plan has errors and was not stored", findings)
    with store.transaction() as session:
        return repo.add_version(session, plan, actor, at or _now())


def import_workbook(store: Store, path: Path, *, actor: str, at: datetime | None = None) -> PlanRecord:
    check = check_workbook(path)
    if not check.ok or check.plan is None:
        raise ValidationFailed(f"{path.name}: the plan has errors and was not stored", check.findings)
    with store.transaction() as session:
        return repo.add_version(session, check.plan, actor, at or _now())


def export_workbook(store: Store, area_code: str, year_id: str, out: Path, version: int | None = None) -> Path:
    ref = load_reference()
    with store.transaction() as session:
        record = repo.get(session, area_code_for(area_code, year_id), year_id, version)
    return write_plan_workbook(out, area_code=record.area_code, year=load_programme(record.year), ref=ref,
                               plan=record.plan)


def get_plan(store: Store, area_code: str, year_id: str, version: int | None = None) -> PlanRecord:
    with store.transaction() as session:
        return repo.get(session, area_code_for(area_code, year_id), year_id, version)


def list_plans(store: Store, year_id: str | None = None, status: str | None = None) -> list[PlanRecord]:
    with store.transaction() as session:
        return repo.list_latest(session, year=year_id, status=status)


def history(store: Store, area_code: str, year_id: str,
            version: int | None = None) -> tuple[PlanRecord, list[lifecycle.Event]]:
    with store.transaction() as session:
        record = repo.get(session, area_code_for(area_code, year_id), year_id, version)
        return record, repo.events(session, record.id)


def _transition(store: Store, area_code: str, year_id: str, make_event, *,  # type: ignore[no-untyped-def]
                stage_check: bool = False, expected: str | None = None, doing: str = "changed") -> PlanRecord:
    """Append the event ``make_event`` makes for the latest version, in one transaction.

    ``expected`` is the ``version_token`` of the version the person saw: ConflictError, and
    nothing written, if the latest version is another one (a decision binds to what was seen).
    """
    code = area_code_for(area_code, year_id)
    with store.transaction() as session:
        repo.lock_for_decision(session, code, year_id)   # one decision at a time per plan: read fresh state
        record = repo.get(session, code, year_id)
        if expected is not None and expected != version_token(record):
            raise ConflictError(f"the plan for {code} changed after you opened it (it is now version "
                                f"{record.version}); nothing was {doing}. Reload the page, check the plan as "
                                "it is now, then try again")
        if stage_check:
            # sign-offs are proven by the lifecycle events; the rest of the rules are re-checked
            findings = check_plan(record.plan, stage="draft")
            if has_errors(findings):
                raise ValidationFailed(f"{code} {year_id}: the plan cannot be submitted", findings)
        event = make_event(repo.state(session, record), record)
        return repo.append_event(session, record, event)


MAX_SIGNATORY_NAME = 200


def sign_off(store: Store, area_code: str, year_id: str, partner: str, *, actor: str,
             at: datetime | None = None, expected: str | None = None,
             signatories: Mapping[str, str] | None = None) -> PlanRecord:
    """A signing partner (the council, a CCG or an ICB) signs off the latest version.

    Where the year names its signatories (2025-26: the chief executive of each council and ICB
    and the council's s151 officer, not delegable), each of the partner's signatories must be
    named, in ``signatories`` (role -> name) or in the plan's own sign-offs; the names are kept
    with the sign-off. InputError, and nothing recorded, if one is missing.
    """
    programme = load_programme(year_id)
    given = {role: " ".join(name.replace("|", " ").split())[:MAX_SIGNATORY_NAME]
             for role, name in (signatories or {}).items()}

    def make(state: lifecycle.PlanState, record: PlanRecord) -> lifecycle.Event:
        named, missing = partner_signatories(record.plan, programme.signatories, partner, given)
        if missing and partner in record.plan.signing_partners and partner not in state.partner_signoffs:
            who = next((p.name for p in record.plan.partners if p.code == partner), partner)
            delegation = "" if programme.signatories_delegable else "; this cannot be delegated"
            raise InputError(f"{programme.name}: {who} signs off through its "
                             f"{' and '.join(role_label(r) for r in missing)}: give their name{delegation}",
                             where="signatory")
        event = lifecycle.sign_off_partner(state, partner, set(record.plan.signing_partners), actor, at or _now(),
                                           named)
        _refuse_errors(record.plan, "signed off")   # a draft may be saved unfinished (save_draft)
        return event
    return _transition(store, area_code, year_id, make, expected=expected, doing="signed off")


def sign_off_hwb(store: Store, area_code: str, year_id: str, *, actor: str,
                 at: datetime | None = None, expected: str | None = None) -> PlanRecord:
    return _transition(store, area_code, year_id,
                       lambda state, _r: lifecycle.sign_off_hwb(state, actor, at or _now()),
                       expected=expected, doing="signed off")


def submit(store: Store, area_code: str, year_id: str, *, actor: str, at: datetime | None = None,
           expected: str | None = None) -> PlanRecord:
    return _transition(store, area_code, year_id,
                       lambda state, _r: lifecycle.submit(state, actor, at or _now()), stage_check=True,
                       expected=expected, doing="submitted")


def assure(store: Store, area_code: str, year_id: str, outcome: str, *, actor: str,
           conditions: str = "", at: datetime | None = None, expected: str | None = None) -> PlanRecord:
    """The national assurance decision; the conditions written (one a line) join the conditions register."""
    programme = load_programme(year_id)
    record = _transition(store, area_code, year_id, lambda state, _r: lifecycle.assure(
        state, outcome, programme.assurance_outcomes, actor, at or _now(), conditions), expected=expected,
        doing="assured")
    if conditions.strip() and programme.is_fundable(outcome):
        hwb = next((p.name for p in record.plan.partners if p.kind == "hwb"), record.area_code)
        with store.transaction() as session:
            conditions_service.set_at_assurance(session, programme, record.area_code, record.version, conditions,
                                                hwb, actor, at or _now())
    return record


def require_plan(store: Store, area_code: str, year_id: str) -> PlanRecord:
    try:
        return get_plan(store, area_code, year_id)
    except NotFound:
        raise NotFound(f"no plan for {area_code} in {year_id}; import one with 'carepool plan import'") from None


# editing a plan in the browser or replacing it over the API ---------------------------------
NO_PLAN = "none"


@dataclass(frozen=True)
class EditBase:
    """What an edit starts from: the latest version (if any), where it stands, and its content."""

    record: PlanRecord | None
    state: lifecycle.PlanState | None
    plan: Plan
    token: str   # names the content the edit started from, so a save can tell it changed meanwhile

    @property
    def starts_new_version(self) -> bool:
        """True when saving a change makes a new version (sign-offs given, or submitted)."""
        if self.record is None or self.state is None:
            return False
        return self.state.status is not lifecycle.Status.DRAFT or bool(self.state.partner_signoffs)


@dataclass(frozen=True)
class DraftSaved:
    """A saved draft and every finding on it; ``change`` is created, edited, new_version or unchanged."""

    record: PlanRecord
    findings: list[Finding]
    change: str

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def version_token(record: PlanRecord | None) -> str:
    if record is None:
        return NO_PLAN
    return f"{record.version}:{content_sha256(plan_to_dict(record.plan))[:16]}"


def starting_plan(area_code: str, year_id: str) -> Plan:
    """A first draft to fill in: the partners, one pool, the derived minimum contributions, and
    an empty line for every metric and national condition of the year."""
    ref, year = load_reference(), load_programme(year_id)
    if year.vintage == "2023":
        # the partners and the derived contributions; no sample goals or capacity figures in a real draft
        start = synthetic_plan_2023(area_code_for(area_code, year_id), year)
        return replace(start, schemes=(), illustrative=False, narrative="", signoffs=(), capacity=(),
                       metrics=tuple(replace(m, baseline=None, planned=(None,) * len(m.planned), baseline_period="")
                                     for m in start.metrics),
                       conditions=tuple(replace(c, confirmed=None, narrative="") for c in start.conditions))
    area = ref.area(area_code)
    mins = derive_minimums(year, ref)[area.code]
    partners = area_partners(area.code, area.name, [(c, ref.ccg(c).name) for c in sorted(mins.by_ccg)])
    funding = [FundingLine(c, s, "P1", amount)
               for c in sorted(mins.by_ccg) for s, amount in sorted(mins.by_ccg[c].items())]
    funding += [FundingLine(area.code, s, "P1", amount) for s, amount in sorted(mins.by_la.items())]
    quarters = len(year.performance.quarter_shares)
    return Plan(
        area_code=area.code, year=year.id, partners=partners, pools=(Pool("P1", "", area.code, ""),),
        funding=tuple(funding), schemes=(),
        metrics=tuple(MetricPlan(m.code, None, (None,) * (4 if m.frequency == "quarterly" else 1))
                      for m in year.metrics),
        ambition=Ambition(0, (0,) * quarters, 0, (0,) * quarters, Money(0)),
        conditions=tuple(ConditionConfirmation(c.id, None) for c in year.conditions),
    )


def plan_for_editing(store: Store, area_code: str, year_id: str) -> EditBase:
    """The latest version to edit, or a starting plan when the area has none for the year."""
    code = area_code_for(area_code, year_id)
    with store.transaction() as session:
        try:
            record = repo.get(session, code, year_id)
        except NotFound:
            return EditBase(None, None, starting_plan(code, year_id), NO_PLAN)
        return EditBase(record, repo.state(session, record), record.plan, version_token(record))


def _same_content(a: Plan, b: Plan) -> bool:
    return plan_to_dict(replace(a, signoffs=())) == plan_to_dict(replace(b, signoffs=()))


def save_draft(store: Store, area_code: str, plan: Plan, *, actor: str, at: datetime | None = None,
               expected: str | None = None, refuse_errors: bool = False) -> DraftSaved:
    """Store an edited plan as a draft, following the lifecycle; every finding comes back.

    A draft nobody has signed off is edited in place (an ``edited`` event). A change to a
    version someone signed off, or to a submitted or assured one, is a new version: it starts
    as a draft with no sign-offs, and sign-off names carried over from the old content are
    dropped. The same content again changes nothing. A draft may be saved with errors (it
    may be unfinished; partners cannot sign it off until they are fixed) unless
    ``refuse_errors``, when ValidationFailed stores nothing. ``expected`` is the
    ``EditBase.token`` the edit started from: ConflictError if the plan changed meanwhile.
    """
    code = area_code_for(area_code, plan.year)
    if plan.area_code != code:
        raise InputError(f"the plan is for area {plan.area_code}, not {code}", where="area_code")
    findings = check_plan(plan)
    if refuse_errors and has_errors(findings):
        raise ValidationFailed(f"{code} {plan.year}: the plan has errors and was not stored", findings)
    when = at or _now()
    with store.transaction() as session:
        try:
            latest: PlanRecord | None = repo.get(session, code, plan.year)
        except NotFound:
            latest = None
        if latest is not None and _same_content(latest.plan, plan) and latest.plan.signoffs == plan.signoffs:
            return DraftSaved(latest, findings, "unchanged")
        if expected is not None and expected != version_token(latest):
            now = "was deleted" if latest is None else f"is now version {latest.version}"
            raise ConflictError(f"the plan for {code} changed while you were editing it (it {now}); "
                                "nothing was saved")
        if latest is None:
            return DraftSaved(repo.add_version(session, plan, actor, when), findings, "created")
        if not _same_content(latest.plan, plan) and plan.signoffs == latest.plan.signoffs:
            plan = replace(plan, signoffs=())   # names signed to the old content
        state = repo.state(session, latest)
        if state.status is lifecycle.Status.DRAFT and not state.partner_signoffs:
            return DraftSaved(repo.replace_draft(session, code, plan.year, plan, actor, when), findings, "edited")
        return DraftSaved(repo.add_version(session, plan, actor, when), findings, "new_version")


def _refuse_errors(plan: Plan, doing: str) -> None:
    """A plan with errors (a draft saved unfinished) cannot be signed off or submitted."""
    findings = check_plan(plan)
    if has_errors(findings):
        count = sum(1 for f in findings if f.severity.value == "error")
        raise ValidationFailed(f"the plan for {plan.area_code} has {count} error(s) and cannot be {doing} until "
                               "they are fixed", findings)


def check_target_revision(store: Store, area_code: str, year_id: str, operating_plan_pct: Decimal) -> list[Finding]:
    """The March 2015 revision rule on the latest version against the plan in force (issue 12)."""
    programme = load_programme(year_id)
    code = load_reference().area(area_code).code
    with store.transaction() as session:
        latest = repo.get(session, code, programme.id)
        found = in_force.plans_in_force(session, programme, code).get(code)
    if found is None:
        raise NotFound(f"no plan in force for {code} in {programme.id}: a target revision changes an assured plan")
    if found.version == latest.version:
        return []
    return check_revision(found.plan, latest.plan, programme, operating_plan_pct)
