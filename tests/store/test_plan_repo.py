"""The plan repository on SQLite and PostgreSQL: round trip, versions, lifecycle history, refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from carepool.errors import ConflictError, InputError, NotFound
from carepool.money import Money
from carepool.plans import lifecycle
from carepool.plans.lifecycle import Event, PlanState, Status
from carepool.plans.model import Plan
from carepool.store import plan_repo as plans
from carepool.store.db import Store
from carepool.store.plan_tables import PlanRow
from tests.store.plan_builder import AREA, T0, YEAR, make_plan

OUTCOMES = ("approved", "approved with support", "approved subject to conditions", "not approved")
PARTNERS = {"03L", "E08000018-LA"}


def _add(store: Store, plan: Plan, actor: str = "alice", at: datetime = T0) -> plans.PlanRecord:
    with store.transaction() as session:
        return plans.add_version(session, plan, actor, at)


def _through_to_submitted(store: Store, record: plans.PlanRecord) -> plans.PlanRecord:
    """Both partners, then the HWB, sign off; then the plan is submitted (an hour apart each)."""
    steps: list[Callable[[PlanState, datetime], Event]] = [
        lambda s, t: lifecycle.sign_off_partner(s, "03L", PARTNERS, "ccg.officer", t),
        lambda s, t: lifecycle.sign_off_partner(s, "E08000018-LA", PARTNERS, "council.director", t),
        lambda s, t: lifecycle.sign_off_hwb(s, "hwb.chair", t),
        lambda s, t: lifecycle.submit(s, "bcf.lead", t),
    ]
    for hour, step in enumerate(steps, start=1):
        with store.transaction() as session:
            current = plans.state(session, record)
            record = plans.append_event(session, record, step(current, T0 + timedelta(hours=hour)))
    return record


def test_a_stored_plan_reads_back_identical(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    with store.transaction() as session:
        again = plans.get(session, AREA, YEAR)
    assert again == record
    assert again.plan == plan
    assert again.plan.pooled_total == Money(2_331_600_001)
    assert (again.version, again.status, again.created_by, again.created_at) == (1, Status.DRAFT, "alice", T0)
    assert again.created_at.tzinfo is not None


def test_times_come_back_as_the_same_instant_in_utc(store: Store, plan: Plan) -> None:
    bst = timezone(timedelta(hours=1))
    local = datetime(2014, 9, 19, 10, 30, 15, 123456, tzinfo=bst)
    record = _add(store, plan, at=local)
    with store.transaction() as session:
        stored = plans.get(session, AREA, YEAR)
        [created] = plans.events(session, record.id)
    assert stored.created_at == local and created.at == local
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.hour == 9 and stored.created_at.microsecond == 123456


def test_a_new_version_supersedes_the_draft_and_keeps_it(store: Store, plan: Plan) -> None:
    first = _add(store, plan)
    revised = make_plan(narrative="Revised after regional assurance.")
    second = _add(store, revised, actor="bob", at=T0 + timedelta(days=1))
    with store.transaction() as session:
        assert plans.get(session, AREA, YEAR) == second
        old = plans.get(session, AREA, YEAR, version=1)
        history = plans.events(session, first.id)
        all_versions = plans.versions(session, AREA, YEAR)
    assert (second.version, second.status, second.plan) == (2, Status.DRAFT, revised)
    assert old.plan == plan and old.status is Status.SUPERSEDED
    assert [(e.action, e.actor, e.to_status, e.detail) for e in history[1:]] == [
        ("superseded", "bob", Status.SUPERSEDED, "by version 2")]
    assert [v.version for v in all_versions] == [1, 2]


def test_a_submitted_version_stays_submitted_when_a_new_one_is_added(store: Store, plan: Plan) -> None:
    submitted = _through_to_submitted(store, _add(store, plan))
    newer = _add(store, make_plan(narrative="v2"), actor="bob")
    with store.transaction() as session:
        old = plans.get(session, AREA, YEAR, version=1)
        assert plans.state(session, old).status is Status.SUBMITTED
        assert [r.version for r in plans.list_latest(session)] == [2]
    assert old.status is Status.SUBMITTED and submitted.status is Status.SUBMITTED
    assert newer.version == 2 and newer.status is Status.DRAFT


def test_the_lifecycle_is_persisted_with_who_when_and_what(store: Store, plan: Plan) -> None:
    record = _through_to_submitted(store, _add(store, plan))
    with store.transaction() as session:
        current = plans.state(session, record)
        event = lifecycle.assure(current, "approved subject to conditions", OUTCOMES, "nhs.england",
                                 T0 + timedelta(days=41), conditions="Seven-day services by April")
        plans.append_event(session, record, event)
    with store.transaction() as session:
        history = plans.events(session, record.id)
        state = plans.state(session, record)
        stored = plans.get(session, AREA, YEAR)
    assert [(e.action, e.actor, e.from_status, e.to_status, e.detail) for e in history] == [
        ("created", "alice", None, Status.DRAFT, f"sha256:{plans.content_sha256(_doc(plan))}"),
        ("signed_off", "ccg.officer", Status.DRAFT, Status.DRAFT, "03L"),
        ("signed_off", "council.director", Status.DRAFT, Status.PARTNERS_SIGNED_OFF, "E08000018-LA"),
        ("hwb_signed_off", "hwb.chair", Status.PARTNERS_SIGNED_OFF, Status.HWB_SIGNED_OFF, ""),
        ("submitted", "bcf.lead", Status.HWB_SIGNED_OFF, Status.SUBMITTED, ""),
        ("assured", "nhs.england", Status.SUBMITTED, Status.ASSURED,
         "approved subject to conditions|Seven-day services by April"),
    ]
    assert [e.at for e in history] == [T0 + timedelta(hours=h) for h in range(5)] + [T0 + timedelta(days=41)]
    assert state.status is Status.ASSURED and stored.status is Status.ASSURED
    assert state.outcome == "approved subject to conditions" and state.partner_signoffs == PARTNERS


def _doc(plan: Plan) -> dict[str, object]:
    from carepool.plans.serialise import plan_to_dict

    return plan_to_dict(plan)


def test_a_draft_can_be_replaced_and_the_edit_is_recorded(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    edited = make_plan(narrative="Edited before sign-off.")
    with store.transaction() as session:
        same = plans.replace_draft(session, AREA, YEAR, plan, "alice", T0)  # identical: no event
        changed = plans.replace_draft(session, AREA, YEAR, edited, "carol", T0 + timedelta(minutes=5))
    with store.transaction() as session:
        history = plans.events(session, record.id)
        stored = plans.get(session, AREA, YEAR)
    assert same.plan == plan and changed.plan == edited and stored.plan == edited
    assert stored.version == 1
    assert [(e.action, e.actor) for e in history] == [("created", "alice"), ("edited", "carol")]
    assert history[1].detail == f"sha256:{plans.content_sha256(_doc(edited))}"


def test_editing_a_submitted_plan_is_refused_and_changes_nothing(store: Store, plan: Plan) -> None:
    record = _through_to_submitted(store, _add(store, plan))
    with pytest.raises(ConflictError, match="submitted plan cannot be edited"), store.transaction() as session:
        plans.replace_draft(session, AREA, YEAR, make_plan(narrative="sneaky"), "mallory", T0)
    with store.transaction() as session:
        assert plans.get(session, AREA, YEAR).plan == plan
        assert len(plans.events(session, record.id)) == 5


def test_a_draft_a_partner_has_signed_off_is_not_edited(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    with store.transaction() as session:
        event = lifecycle.sign_off_partner(plans.state(session, record), "03L", PARTNERS, "ccg.officer", T0)
        plans.append_event(session, record, event)
    with pytest.raises(ConflictError, match="03L signed off"), store.transaction() as session:
        plans.replace_draft(session, AREA, YEAR, make_plan(narrative="after the CCG signed"), "carol", T0)
    with store.transaction() as session:
        assert plans.get(session, AREA, YEAR).plan == plan


def test_replace_draft_checks_what_it_is_given(store: Store, plan: Plan) -> None:
    with pytest.raises(NotFound), store.transaction() as session:
        plans.replace_draft(session, AREA, YEAR, plan, "alice", T0)
    _add(store, plan)
    with pytest.raises(InputError, match="E09000001"), store.transaction() as session:
        plans.replace_draft(session, AREA, YEAR, make_plan(area="E09000001"), "alice", T0)


def test_a_step_decided_on_a_stale_view_is_refused(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    with store.transaction() as session:
        stale = plans.state(session, record)
    _through_to_submitted(store, record)
    late = lifecycle.sign_off_partner(stale, "03L", PARTNERS, "ccg.officer", T0)
    with pytest.raises(ConflictError, match="is submitted"), store.transaction() as session:
        plans.append_event(session, record, late)
    forged = Event("created", "mallory", T0, None, Status.DRAFT)
    with pytest.raises(ConflictError), store.transaction() as session:
        plans.append_event(session, record, forged)
    with store.transaction() as session:
        assert plans.state(session, record).status is Status.SUBMITTED


def test_a_superseded_version_takes_no_more_steps(store: Store, plan: Plan) -> None:
    first = _add(store, plan)
    _add(store, make_plan(narrative="v2"))
    step = Event("signed_off", "ccg.officer", T0, Status.SUPERSEDED, Status.SUPERSEDED, "03L")
    with pytest.raises(ConflictError, match="superseded"), store.transaction() as session:
        plans.append_event(session, first, step)


def test_missing_plans_are_not_found(store: Store, plan: Plan) -> None:
    with store.transaction() as session:
        with pytest.raises(NotFound, match=AREA):
            plans.get(session, AREA, YEAR)
        record = plans.add_version(session, plan, "alice", T0)
        with pytest.raises(NotFound, match="version 2"):
            plans.get(session, AREA, YEAR, version=2)
        with pytest.raises(NotFound):
            plans.get(session, AREA, "bcf-2016-17")
        with pytest.raises(NotFound):
            plans.events(session, record.id + 1000)


def test_list_latest_filters_by_year_and_status(store: Store) -> None:
    _add(store, make_plan(area="E09000002"))
    _add(store, make_plan(area="E08000018"))
    _add(store, make_plan(area="E08000018", narrative="v2"))
    submitted = _through_to_submitted(store, _add(store, make_plan(area="E06000001")))
    _add(store, make_plan(area="E08000018", year="bcf-2016-17"))
    with store.transaction() as session:
        everything = plans.list_latest(session)
        first_year = plans.list_latest(session, year=YEAR)
        drafts = plans.list_latest(session, year=YEAR, status="draft")
        done = plans.list_latest(session, status=Status.SUBMITTED)
        with pytest.raises(InputError, match="not a plan status"):
            plans.list_latest(session, status="approved")
    assert [(r.year, r.area_code, r.version) for r in everything] == [
        (YEAR, "E06000001", 1), (YEAR, "E08000018", 2), (YEAR, "E09000002", 1),
        ("bcf-2016-17", "E08000018", 1)]
    assert [r.area_code for r in first_year] == ["E06000001", "E08000018", "E09000002"]
    assert [r.area_code for r in drafts] == ["E08000018", "E09000002"]
    assert done == [submitted]


def test_an_altered_document_is_detected_on_read(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    tampered = _doc(replace(plan, narrative="altered behind carepool's back"))
    with store.transaction() as session:
        session.execute(update(PlanRow).where(PlanRow.id == record.id).values(document=tampered))
    with pytest.raises(InputError, match="checksum"), store.transaction() as session:
        plans.get(session, AREA, YEAR)


def test_the_cached_status_agrees_with_the_replayed_history(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    with store.transaction() as session:
        for partner in sorted(PARTNERS):
            event = lifecycle.sign_off_partner(plans.state(session, record), partner, PARTNERS, "x", T0)
            record = plans.append_event(session, record, event)
            assert record.status is plans.state(session, record).status
    assert record.status is Status.PARTNERS_SIGNED_OFF
    assert datetime.now(UTC) > record.created_at


def test_a_version_part_way_through_sign_off_is_superseded_by_a_new_one(store: Store, plan: Plan) -> None:
    record = _add(store, plan)
    with store.transaction() as session:
        for partner in sorted(PARTNERS):
            event = lifecycle.sign_off_partner(plans.state(session, record), partner, PARTNERS, "x", T0)
            record = plans.append_event(session, record, event)
    assert record.status is Status.PARTNERS_SIGNED_OFF
    _add(store, make_plan(narrative="changed after the partners signed"), actor="bob")
    with store.transaction() as session:
        old = plans.get(session, AREA, YEAR, version=1)
        last = plans.events(session, record.id)[-1]
    assert old.status is Status.SUPERSEDED
    assert (last.from_status, last.to_status, last.actor) == (
        Status.PARTNERS_SIGNED_OFF, Status.SUPERSEDED, "bob")
