from datetime import datetime

import pytest

from carepool.errors import ConflictError, PermissionDenied
from carepool.plans.lifecycle import (
    Status,
    assure,
    replay,
    require_editable,
    sign_off_hwb,
    sign_off_partner,
    submit,
)

AT = datetime(2014, 9, 19, 10, 0)
OUTCOMES = ("approved", "approved with support", "approved subject to conditions", "not approved")
PARTNERS = {"E08000025", "04X", "13P"}


def test_full_lifecycle_from_history() -> None:
    events = []
    for p in sorted(PARTNERS):
        events.append(sign_off_partner(replay(events), p, PARTNERS, f"lead-{p}", AT))
    assert replay(events).status is Status.PARTNERS_SIGNED_OFF
    events.append(sign_off_hwb(replay(events), "hwb-chair", AT))
    events.append(submit(replay(events), "hwb-chair", AT))
    events.append(assure(replay(events), "approved subject to conditions", OUTCOMES, "assurer", AT,
                         conditions="Seven-day services plan by Q3"))
    state = replay(events)
    assert state.status is Status.ASSURED
    assert state.outcome == "approved subject to conditions"
    assert state.conditions == "Seven-day services plan by Q3"
    assert state.partner_signoffs == PARTNERS
    assert [e.action for e in events][-3:] == ["hwb_signed_off", "submitted", "assured"]


def test_order_is_enforced() -> None:
    with pytest.raises(ConflictError, match="after every partner"):
        sign_off_hwb(replay([]), "chair", AT)
    with pytest.raises(ConflictError, match="HWB-signed-off"):
        submit(replay([]), "x", AT)
    with pytest.raises(ConflictError, match="submitted"):
        assure(replay([]), "approved", OUTCOMES, "x", AT)
    with pytest.raises(PermissionDenied):
        sign_off_partner(replay([]), "99Z", PARTNERS, "x", AT)
    e = sign_off_partner(replay([]), "04X", PARTNERS, "x", AT)
    with pytest.raises(ConflictError, match="already"):
        sign_off_partner(replay([e]), "04X", PARTNERS, "x", AT)


def test_submitted_plan_is_not_editable() -> None:
    require_editable(replay([]))
    events = [sign_off_partner(replay([]), p, {"A"}, "x", AT) for p in ["A"]]
    events.append(sign_off_hwb(replay(events), "c", AT))
    events.append(submit(replay(events), "c", AT))
    with pytest.raises(ConflictError, match="new version"):
        require_editable(replay(events))


def test_assurance_outcomes_come_from_the_year() -> None:
    events = [sign_off_partner(replay([]), "A", {"A"}, "x", AT)]
    events += [sign_off_hwb(replay(events), "c", AT)]
    events += [submit(replay(events), "c", AT)]
    with pytest.raises(ConflictError, match="not an assurance outcome"):
        assure(replay(events), "waved through", OUTCOMES, "x", AT)
    with pytest.raises(ConflictError, match="conditions written down"):
        assure(replay(events), "approved subject to conditions", OUTCOMES, "x", AT)
