"""Plan use cases on a real store (SQLite and PostgreSQL): all-or-nothing import and the workflow."""

from dataclasses import replace
from datetime import datetime

import pytest

from carepool.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from carepool.money import Money
from carepool.plans.lifecycle import Status
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import plans as svc
from carepool.store.db import Store

AREA = "E08000025"
YEAR = "bcf-2015-16"
AT = datetime(2014, 9, 1, 9, 0)


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return synthetic_plan(AREA, load_programme(YEAR), load_reference(), seed=11, second_pool=True,
                       local_topup=Money.pounds(2_000_000))


def _count(store: Store) -> int:
    return len(svc.list_plans(store))


def test_invalid_plan_refused_and_nothing_stored(store: Store, plan) -> None:  # type: ignore[no-untyped-def]
    bad = replace(plan, schemes=plan.schemes[:-1])
    with pytest.raises(ValidationFailed) as info:
        svc.import_plan(store, bad, actor="tester", at=AT)
    assert any(f.rule == "SCHEMES-SUM" for f in info.value.findings)
    assert _count(store) == 0
    with pytest.raises(NotFound):
        svc.get_plan(store, AREA, YEAR)


def test_full_workflow_with_history(store: Store, plan) -> None:  # type: ignore[no-untyped-def]
    record = svc.import_plan(store, plan, actor="finance lead", at=AT)
    assert record.version == 1 and record.status is Status.DRAFT
    assert svc.get_plan(store, AREA, YEAR).plan == plan
    with pytest.raises(ConflictError):
        svc.sign_off_hwb(store, AREA, YEAR, actor="chair", at=AT)
    with pytest.raises(ConflictError):
        svc.submit(store, AREA, YEAR, actor="chair", at=AT)
    with pytest.raises(PermissionDenied):
        svc.sign_off(store, AREA, YEAR, "99Z", actor="stranger", at=AT)
    partners = [p.code for p in plan.partners if p.kind in ("la", "ccg")]
    for code in partners:
        record = svc.sign_off(store, AREA, YEAR, code, actor=f"lead {code}", at=AT)
    assert record.status is Status.PARTNERS_SIGNED_OFF
    svc.sign_off_hwb(store, AREA, YEAR, actor="chair", at=AT)
    svc.submit(store, AREA, YEAR, actor="chair", at=AT)
    record = svc.assure(store, AREA, YEAR, "approved with support", actor="assurer", at=AT)
    assert record.status is Status.ASSURED
    _, events = svc.history(store, AREA, YEAR)
    assert [e.action for e in events] == ["created"] + ["signed_off"] * len(partners) + [
        "hwb_signed_off", "submitted", "assured"]
    assert events[-1].actor == "assurer" and events[-1].detail.startswith("approved with support")
    # a submitted plan is never edited: a change is a new version, and the old one keeps its history
    revised = replace(plan, narrative="Revised after assurance")
    v2 = svc.import_plan(store, revised, actor="finance lead", at=AT)
    assert v2.version == 2 and v2.status is Status.DRAFT
    assert svc.get_plan(store, AREA, YEAR, version=1).status is Status.ASSURED
    assert svc.get_plan(store, AREA, YEAR).plan.narrative == "Revised after assurance"
