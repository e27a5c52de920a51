"""One unit of work: a transaction that fails midway leaves the store exactly as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from carepool.errors import ConflictError
from carepool.plans import lifecycle
from carepool.plans.model import Plan
from carepool.store import plan_repo as plans
from carepool.store.db import Store
from carepool.store.plan_tables import PlanEventRow, PlanRow
from tests.store.plan_builder import AREA, T0, YEAR, make_plan


class Boom(Exception):
    """An unexpected failure in the middle of an import."""


def _counts(store: Store) -> tuple[int, int]:
    with store.transaction() as session:
        return (session.scalar(select(func.count()).select_from(PlanRow)) or 0,
                session.scalar(select(func.count()).select_from(PlanEventRow)) or 0)


def test_an_error_midway_writes_nothing(store: Store, plan: Plan) -> None:
    with pytest.raises(Boom), store.transaction() as session:
        plans.add_version(session, plan, "alice", T0)
        plans.add_version(session, make_plan(area="E09000002"), "alice", T0)
        assert len(plans.list_latest(session)) == 2   # visible inside the transaction...
        raise Boom
    assert _counts(store) == (0, 0)                    # ...and gone after it


def test_a_refused_step_undoes_the_steps_before_it(store: Store, plan: Plan) -> None:
    with store.transaction() as session:
        record = plans.add_version(session, plan, "alice", T0)
    before = _counts(store)
    with pytest.raises(ConflictError), store.transaction() as session:
        first = lifecycle.sign_off_partner(plans.state(session, record), "03L", {"03L", "LA"}, "ccg", T0)
        record = plans.append_event(session, record, first)
        plans.append_event(session, record, first)      # the same step again: stale, refused
    assert _counts(store) == before
    with store.transaction() as session:
        assert plans.state(session, record).partner_signoffs == frozenset()


def test_a_failed_new_version_leaves_the_old_one_a_draft(store: Store, plan: Plan) -> None:
    with store.transaction() as session:
        plans.add_version(session, plan, "alice", T0)
    with pytest.raises(Boom), store.transaction() as session:
        plans.add_version(session, make_plan(narrative="v2"), "bob", T0 + timedelta(hours=1))
        raise Boom
    with store.transaction() as session:
        latest = plans.get(session, AREA, YEAR)
    assert (latest.version, latest.status, latest.plan) == (1, lifecycle.Status.DRAFT, plan)
    assert _counts(store) == (1, 1)
