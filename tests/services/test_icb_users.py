"""An ICB (the NHS partner since July 2022) can hold accounts, and its partner lead may sign its plans."""

from __future__ import annotations

import pytest

from carepool.errors import InputError
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import plans, users
from carepool.services.users import Action
from carepool.store.db import Store
from carepool.web.area_data import available_actions

AREA = "E08000018"   # Rotherham: the same code in the 2015 and 2023 geographies


def test_an_icb_partner_lead_is_stored_and_may_sign_its_plan(store: Store) -> None:
    year = load_programme("bcf-2025-26")
    plan = synthetic_plan_2023(AREA, year, seed=1)
    icb = sorted(p.code for p in plan.partners if p.kind == "icb")[0]
    lead = users.add_user(store, email="ceo@icb.example", password="a long enough passphrase", name="ICB CEO",
                          org_code=icb, org_kind="icb", role="partner_lead", areas=[AREA])
    assert users.get_user(store, lead.id).org_kind == "icb"
    assert lead.may(Action.SIGN_OFF_PARTNER, AREA)
    record = plans.import_plan(store, plan, actor="setup")
    state = plans.history(store, AREA, year.id)[1]
    from carepool.plans.lifecycle import replay
    assert "sign_off" in available_actions(lead, AREA, record, replay(state))
    with pytest.raises(InputError, match="belongs to one of"):
        users.add_user(store, email="x@icb.example", password="a long enough passphrase", name="x",
                       org_code=icb, org_kind="icb", role="hwb_chair", areas=[AREA])


@pytest.mark.parametrize(("column", "value"), [("org_kind", "martian"), ("role", "emperor")])
def test_the_database_still_refuses_unknown_kinds_and_roles(store: Store, column: str, value: str) -> None:
    from sqlalchemy import text

    from carepool.errors import ConflictError

    good = {"email": "a@b.example", "name": "a", "password_hash": "x", "org_code": "Q", "org_kind": "icb",
            "role": "analyst", "areas": "[]", "failed_logins": 0, "session_epoch": 0}
    columns = ", ".join(good)
    with store.transaction() as session:        # the widened check lets an ICB account in
        session.execute(text(f"INSERT INTO web_users ({columns}, created_at) VALUES "
                             f"({', '.join(':' + k for k in good)}, CURRENT_TIMESTAMP)"), good)
    bad = {**good, "email": "c@d.example", column: value}
    with pytest.raises(ConflictError), store.transaction() as session:
        session.execute(text(f"INSERT INTO web_users ({columns}, created_at) VALUES "
                             f"({', '.join(':' + k for k in bad)}, CURRENT_TIMESTAMP)"), bad)
