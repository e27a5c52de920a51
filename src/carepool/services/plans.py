"""Plan use cases: template, validate, import, export, sign off, submit, assure.

Every write happens in one store transaction, so a refused import leaves the store exactly
as it was. Validation always returns every finding; ``ValidationFailed`` carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from carepool.errors import NotFound, ValidationFailed
from carepool.exchange.excel import read_and_validate, write_plan_workbook
from carepool.findings import Finding, has_errors
from carepool.plans import lifecycle
from carepool.plans.model import Plan
from carepool.plans.validate import validate_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.store import plans as repo
from carepool.store.db import Store
from carepool.store.plans import PlanRecord


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


def write_template(area_code: str, year_id: str, out: Path) -> Path:
    ref = load_reference()
    area = ref.area(area_code)
    return write_plan_workbook(out, area_code=area.code, year=load_programme(year_id), ref=ref)


def check_plan(plan: Plan, *, stage: str = "draft") -> list[Finding]:
    return validate_plan(plan, load_programme(plan.year), load_reference(), stage=stage)


def check_workbook(path: Path, *, stage: str = "draft") -> PlanCheck:
    """Read a workbook and validate what it holds; findings point at sheets and cells."""
    read, findings = read_and_validate(path, ref=load_reference(), stage=stage)
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
        record = repo.get(session, ref.area(area_code).code, year_id, version)
    return write_plan_workbook(out, area_code=record.area_code, year=load_programme(record.year), ref=ref,
                               plan=record.plan)


def get_plan(store: Store, area_code: str, year_id: str, version: int | None = None) -> PlanRecord:
    with store.transaction() as session:
        return repo.get(session, load_reference().area(area_code).code, year_id, version)


def list_plans(store: Store, year_id: str | None = None, status: str | None = None) -> list[PlanRecord]:
    with store.transaction() as session:
        return repo.list_latest(session, year=year_id, status=status)


def history(store: Store, area_code: str, year_id: str,
            version: int | None = None) -> tuple[PlanRecord, list[lifecycle.Event]]:
    with store.transaction() as session:
        record = repo.get(session, load_reference().area(area_code).code, year_id, version)
        return record, repo.events(session, record.id)


def _transition(store: Store, area_code: str, year_id: str, make_event, *,  # type: ignore[no-untyped-def]
                stage_check: bool = False) -> PlanRecord:
    code = load_reference().area(area_code).code
    with store.transaction() as session:
        record = repo.get(session, code, year_id)
        if stage_check:
            # sign-offs are proven by the lifecycle events; the rest of the rules are re-checked
            findings = check_plan(record.plan, stage="draft")
            if has_errors(findings):
                raise ValidationFailed(f"{code} {year_id}: the plan cannot be submitted", findings)
        event = make_event(repo.state(session, record), record)
        return repo.append_event(session, record, event)


def sign_off(store: Store, area_code: str, year_id: str, partner: str, *, actor: str,
             at: datetime | None = None) -> PlanRecord:
    """A partner (the local authority or a CCG) signs off the latest version."""
    def make(state: lifecycle.PlanState, record: PlanRecord) -> lifecycle.Event:
        required = {p.code for p in record.plan.partners if p.kind in ("la", "ccg")}
        return lifecycle.sign_off_partner(state, partner, required, actor, at or _now())
    return _transition(store, area_code, year_id, make)


def sign_off_hwb(store: Store, area_code: str, year_id: str, *, actor: str,
                 at: datetime | None = None) -> PlanRecord:
    return _transition(store, area_code, year_id,
                       lambda state, _r: lifecycle.sign_off_hwb(state, actor, at or _now()))


def submit(store: Store, area_code: str, year_id: str, *, actor: str, at: datetime | None = None) -> PlanRecord:
    return _transition(store, area_code, year_id,
                       lambda state, _r: lifecycle.submit(state, actor, at or _now()), stage_check=True)


def assure(store: Store, area_code: str, year_id: str, outcome: str, *, actor: str,
           conditions: str = "", at: datetime | None = None) -> PlanRecord:
    outcomes = load_programme(year_id).assurance_outcomes
    return _transition(store, area_code, year_id, lambda state, _r: lifecycle.assure(
        state, outcome, outcomes, actor, at or _now(), conditions))


def require_plan(store: Store, area_code: str, year_id: str) -> PlanRecord:
    try:
        return get_plan(store, area_code, year_id)
    except NotFound:
        raise NotFound(f"no plan for {area_code} in {year_id}; import one with 'carepool plan import'") from None
