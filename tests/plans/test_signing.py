"""Who must sign a plan, and what may happen next, are asked of the plan and its lifecycle.

In an ICB year every ICB partner signs as well as the council: North Yorkshire's plan for 2025-26
has three ICB partners, and the Board may sign off only once all four have.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from carepool.errors import InputError, PermissionDenied
from carepool.plans.lifecycle import PlanState, Status, Step, next_steps, replay, sign_off_partner
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme

NORTH_YORKSHIRE = "E06000065"
AT = datetime(2025, 3, 20, 10, 0)


def test_every_icb_partner_and_the_council_must_sign() -> None:
    plan = synthetic_plan_2023(NORTH_YORKSHIRE, load_programme("bcf-2025-26"))
    icbs = {p.code for p in plan.partners if p.kind == "icb"}
    assert len(icbs) == 3
    assert plan.signing_partners == icbs | {p.code for p in plan.partners if p.kind == "la"}
    state, events = PlanState(Status.DRAFT, frozenset()), []
    for partner in sorted(plan.signing_partners):
        assert state.status is Status.DRAFT, "the Board waits for every partner"
        events.append(sign_off_partner(state, partner, set(plan.signing_partners), "someone", AT))
        state = replay(events)
    assert state.status is Status.PARTNERS_SIGNED_OFF
    with pytest.raises(PermissionDenied):
        sign_off_partner(PlanState(Status.DRAFT, frozenset()), "E06000065-not", set(plan.signing_partners), "x", AT)


def test_the_next_steps_come_from_the_lifecycle() -> None:
    signing = frozenset({"A", "B"})
    assert next_steps(PlanState(Status.DRAFT, frozenset()), signing) == {Step.SIGN_OFF}
    assert next_steps(PlanState(Status.DRAFT, frozenset({"A", "B"})), signing) == frozenset()
    assert next_steps(PlanState(Status.PARTNERS_SIGNED_OFF, signing), signing) == {Step.HWB_SIGN_OFF}
    assert next_steps(PlanState(Status.HWB_SIGNED_OFF, signing), signing) == {Step.SUBMIT}
    assert next_steps(PlanState(Status.SUBMITTED, signing), signing) == {Step.ASSURE}
    assert next_steps(PlanState(Status.ASSURED, signing, "approved"), signing) == frozenset()
    assert PlanState(Status.DRAFT, frozenset({"A"})).awaiting(signing) == ("B",)


def test_the_service_takes_each_icb_sign_off_before_the_board(store) -> None:  # type: ignore[no-untyped-def]
    from carepool.services import plans

    year = load_programme("bcf-2025-26")
    plan = synthetic_plan_2023(NORTH_YORKSHIRE, year, seed=1)
    plans.import_plan(store, plan, actor="setup")
    signing = sorted(plan.signing_partners)
    with pytest.raises(InputError, match="chief executive: give their name; this cannot be delegated"):
        plans.sign_off(store, NORTH_YORKSHIRE, year.id, "QOQ", actor="someone")      # 2025-26 names its signatories
    for partner in signing:
        names = {"council_chief_executive": "CE", "council_s151_officer": "S151"} if partner == NORTH_YORKSHIRE \
            else {"icb_chief_executive": f"CE of {partner}"}
        record = plans.sign_off(store, NORTH_YORKSHIRE, year.id, partner, actor=f"ceo of {partner}", signatories=names)
    assert record.status is Status.PARTNERS_SIGNED_OFF
    details = {e.detail for e in plans.history(store, NORTH_YORKSHIRE, year.id)[1] if e.action == "signed_off"}
    assert {d.partition("|")[0] for d in details} == set(signing)
    assert "QOQ|icb chief executive: CE of QOQ" in details
