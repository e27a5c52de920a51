"""The conditions register (issue 12, defect 2), on SQLite and PostgreSQL.

Reproduction: "approved subject to conditions" stored a free-text string and nothing followed:
no owner, no due date, no evidence, no status, and the money flowed as if approved outright.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import ConflictError, InputError
from carepool.ledger import accounts as acc
from carepool.plans.conditions import ConditionStatus
from carepool.plans.model import Plan
from carepool.programme import load_programme
from carepool.services import conditions, ledger
from carepool.services import plans as plan_svc
from carepool.services.condition_holds import held_amounts
from carepool.store.db import Store, open_store
from tests.ledger.helpers import sample

YEAR = "bcf-2015-16"
AREA = "E08000018"
ASSURED_AT = datetime(2014, 12, 1, 10, 0, tzinfo=UTC)
MET_AT = datetime(2015, 6, 15, 10, 0, tzinfo=UTC)


def assure(store: Store, plan: Plan, outcome: str = "approved subject to conditions",
           written: str = "Agree the acute-sector impact with providers\nSeven-day discharge by Q2") -> None:
    at = datetime(2014, 11, 1, tzinfo=UTC)
    plan_svc.import_plan(store, plan, actor="area", at=at)
    for p in plan.partners:
        if p.kind in ("la", "ccg"):
            plan_svc.sign_off(store, AREA, YEAR, p.code, actor="lead", at=at)
    plan_svc.sign_off_hwb(store, AREA, YEAR, actor="chair", at=at)
    plan_svc.submit(store, AREA, YEAR, actor="chair", at=at)
    plan_svc.assure(store, AREA, YEAR, outcome, actor="assurer", conditions=written, at=ASSURED_AT)


def held(store: Store) -> int:
    tb = ledger.trial_balance(store, AREA)
    return sum(line.debit - line.credit for line in tb.lines if line.account == acc.HELD_FOR_CONDITIONS)


def fund(store: Store) -> int:
    tb = ledger.trial_balance(store, AREA)
    return sum(line.debit - line.credit for line in tb.lines if line.account == acc.FUND)


def test_conditions_written_at_assurance_join_the_register(store: Store) -> None:
    assure(store, sample(AREA))
    found = conditions.register(store, AREA, YEAR)
    assert [(c.id, c.status, c.text) for c in found] == [
        ("C1", ConditionStatus.OPEN, "Agree the acute-sector impact with providers"),
        ("C2", ConditionStatus.OPEN, "Seven-day discharge by Q2")]
    assert found[0].due == date(2015, 1, 9)           # the year's conditional_plans deadline
    assert "Health and Wellbeing Board" in found[0].owner and found[0].plan_version == 1


def test_money_is_held_while_a_condition_is_open_and_released_when_all_are_met(store: Store) -> None:
    plan = sample(AREA)
    assure(store, plan)
    programme = load_programme(YEAR)
    expected = sum(held_amounts(plan, programme, ledger.performance_element(programme, plan)).values())
    assert expected > 0
    ledger.post_contributions(store, YEAR)
    assert held(store) == expected
    fund_while_held = fund(store)
    again = ledger.post_contributions(store, YEAR)
    assert again.posted == 0 and held(store) == expected           # a re-run holds nothing twice

    with pytest.raises(InputError, match="evidence"):
        conditions.meet(store, AREA, YEAR, "C1", "  ", actor="area lead", at=MET_AT)
    conditions.meet(store, AREA, YEAR, "C1", "Signed agreement with the acute trust, 3 June", actor="lead", at=MET_AT)
    assert held(store) == expected                                 # C2 still open
    with pytest.raises(ConflictError, match="already met"):
        conditions.meet(store, AREA, YEAR, "C1", "again", actor="lead", at=MET_AT)
    c2 = conditions.meet(store, AREA, YEAR, "c2", "Seven-day rota live from 1 July", actor="lead", at=MET_AT)
    assert c2.status is ConditionStatus.MET and [e.action for e in c2.history] == ["set", "met"]
    assert held(store) == 0 and fund(store) == fund_while_held + expected
    assert ledger.trial_balance(store).unbalanced_pools() == []
    release = [t for t in ledger.area_transactions(store, AREA) if t.key.startswith("condrelease:")]
    assert len(release) == 1 and release[0].on == MET_AT.date()


def test_a_condition_set_after_the_books_open_holds_at_once_and_a_lapse_keeps_it_held(store: Store) -> None:
    plan = sample(AREA)
    assure(store, plan, outcome="approved", written="")
    ledger.post_contributions(store, YEAR)
    assert held(store) == 0 and conditions.register(store, AREA, YEAR) == []
    c = conditions.add(store, AREA, YEAR, "Publish the joint assessment pathway", "Director of Adult Services",
                       date(2015, 9, 30), actor="assurer", at=MET_AT)
    assert c.id == "C1" and c.status is ConditionStatus.OPEN
    amount = held(store)
    assert amount > 0
    lapsed = conditions.lapse(store, AREA, YEAR, "C1", "Not published by 30 September", actor="assurer",
                              at=datetime(2015, 10, 5, tzinfo=UTC))
    assert lapsed.status is ConditionStatus.LAPSED and held(store) == amount
    with pytest.raises(ConflictError):
        conditions.meet(store, AREA, YEAR, "C1", "late evidence", actor="lead")
    assert [a.condition.id for a in conditions.listing(store, YEAR, status="lapsed")] == ["C1"]


def test_the_register_history_cannot_be_rewritten_in_the_database(store: Store) -> None:
    assure(store, sample(AREA))
    for sql in ("UPDATE assurance_conditions SET status = 'met'", "DELETE FROM assurance_conditions"):
        with pytest.raises(ConflictError, match="append-only"), store.transaction() as session:
            session.execute(text(sql))
    assert [c.status for c in conditions.register(store, AREA, YEAR)] == [ConditionStatus.OPEN] * 2


def test_a_not_approved_plan_registers_no_conditions_and_holds_nothing(store: Store) -> None:
    assure(store, sample(AREA), outcome="not approved", written="Resubmit with a credible admissions plan")
    assert conditions.register(store, AREA, YEAR) == []


def test_the_cli_lists_adds_meets_and_lapses(store_url: str) -> None:
    store = open_store(store_url)
    assure(store, sample(AREA), outcome="approved", written="")
    run = CliRunner()
    added = run.invoke(app, ["plan", "conditions", "add", "--area", AREA, "--text", "Seven-day services plan",
                             "--owner", "CCG Accountable Officer", "--due", "2015-06-30", "--db", store_url,
                             "--as", "assurer"])
    assert added.exit_code == 0, added.output
    assert "C1: open" in added.output
    bad = run.invoke(app, ["plan", "conditions", "add", "--area", AREA, "--text", "x", "--owner", "y",
                           "--due", "30/06/2015", "--db", store_url])
    assert bad.exit_code != 0 and "--due" in bad.output
    listed = run.invoke(app, ["plan", "conditions", "list", "--status", "open", "--json", "--db", store_url])
    assert listed.exit_code == 0 and '"id": "C1"' in listed.output
    assert '"owner": "CCG Accountable Officer"' in listed.output
    met = run.invoke(app, ["plan", "conditions", "meet", "--area", AREA, "--id", "C1", "--evidence",
                           "Board paper 12 June", "--db", store_url])
    assert met.exit_code == 0 and "C1: met" in met.output
    unknown = run.invoke(app, ["plan", "conditions", "lapse", "--area", AREA, "--id", "C9", "--reason", "x",
                               "--db", store_url])
    assert unknown.exit_code != 0 and "no condition 'C9'" in " ".join(unknown.output.split())
