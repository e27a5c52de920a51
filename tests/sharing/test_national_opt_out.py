"""The national data opt-out as its own kind of objection: it stops uses beyond individual care
(commissioning, evaluation) and never direct care, while a local objection stops every share but
direct care inside the holding organisation. Checked in the core, in the store (SQLite and
PostgreSQL), through the one audited send and receive over a real mesh-sandbox, and at the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carepool.errors import ConflictError, InputError, NotFound
from carepool.services import sharing
from carepool.services.sharing_audit import read_log
from carepool.sharing.agreements import Purpose
from carepool.sharing.objections import Objection, ObjectionKind, ObjectionRegistry, filter_rows, parse_kind
from carepool.store import sharing_tables as repo
from carepool.store.db import Store
from tests.sharing.mesh_fixtures import empty_inboxes, mailbox, mesh_url
from tests.sharing.test_share_cli import cli, write

__all__ = ["empty_inboxes", "mesh_url"]

OPTED_OUT = "9434765870"     # a national data opt-out only
OBJECTOR = "9434765919"      # a local objection only
BOTH = "9990000026"          # both kinds
NEITHER = "9990000018"
NDO = ObjectionKind.NATIONAL_OPT_OUT
LOCAL = ObjectionKind.LOCAL
ON = date(2016, 5, 1)
ROWS = [{"nhs_number": n, "name": f"person {n}", "care_package": "home care"}
        for n in (OPTED_OUT, OBJECTOR, BOTH, NEITHER)]


def register() -> ObjectionRegistry:
    return ObjectionRegistry([Objection(OPTED_OUT, "RR8", ON, kind=NDO), Objection(OBJECTOR, "RR8", ON),
                              Objection(BOTH, "RR8", ON), Objection(BOTH, "RR8", ON, kind=NDO)])


@pytest.mark.parametrize("recipient", ["RR8", "00C"])
def test_the_opt_out_never_stops_direct_care(recipient: str) -> None:
    assert register().may_share(OPTED_OUT, Purpose.DIRECT_CARE, recipient)


@pytest.mark.parametrize("purpose", [Purpose.COMMISSIONING, Purpose.EVALUATION])
@pytest.mark.parametrize("recipient", ["RR8", "00C"])
def test_the_opt_out_stops_every_use_beyond_individual_care(purpose: Purpose, recipient: str) -> None:
    found = register().stopping(OPTED_OUT, purpose, recipient)
    assert found is not None and found.kind is NDO
    assert register().may_share(NEITHER, purpose, recipient)


def test_a_person_with_both_kinds_is_stopped_by_the_local_objection_for_direct_care() -> None:
    registry = register()
    assert len(registry) == 4 and [o.kind for o in registry.of(BOTH)] == [LOCAL, NDO]
    assert registry.may_share(BOTH, Purpose.DIRECT_CARE, "RR8"), "their own organisation keeps caring for them"
    stopped = registry.stopping(BOTH, Purpose.DIRECT_CARE, "00C")
    assert stopped is not None and stopped.kind is LOCAL
    assert registry.withheld_from_everyone(Purpose.DIRECT_CARE) == set()
    assert registry.withheld_from_everyone(Purpose.EVALUATION) == {OPTED_OUT, OBJECTOR, BOTH}


def test_the_filter_names_the_kind_that_withheld_each_row() -> None:
    direct = filter_rows(ROWS, "nhs_number", register(), Purpose.DIRECT_CARE, "00C", file="care.csv")
    assert [r["nhs_number"] for r in direct.rows] == [OPTED_OUT, NEITHER]
    assert [(f.rule, f.location.row) for f in direct.findings] == [("objection", 3), ("objection", 4)]
    assert direct.summary() == "2 withheld (2 objection to sharing)"
    evaluation = filter_rows(ROWS, "nhs_number", register(), Purpose.EVALUATION, "00C", file="care.csv")
    assert [r["nhs_number"] for r in evaluation.rows] == [NEITHER]
    assert [f.rule for f in evaluation.findings] == ["national-data-opt-out", "objection", "objection"]
    assert "evaluation" in evaluation.findings[0].message
    assert evaluation.summary() == "3 withheld (2 objection to sharing, 1 national data opt-out)"


def test_a_kind_is_read_from_what_a_person_typed() -> None:
    assert parse_kind(" National-Opt-Out ") is NDO and parse_kind("local") is LOCAL
    with pytest.raises(InputError, match="unknown kind of objection 'type-1'"):
        parse_kind("type-1")


def test_each_kind_has_its_own_history_in_the_store(store: Store) -> None:
    sharing.add_objection(store, Objection(BOTH, "RR8", ON), actor="ig")
    sharing.add_objection(store, Objection(BOTH, "RR8", ON, kind=NDO), actor="ig")
    with pytest.raises(ConflictError, match="a national data opt-out is already recorded"):
        sharing.add_objection(store, Objection(BOTH, "RR8", ON, kind=NDO), actor="ig")
    assert sharing.objection_counts(store) == {LOCAL: 1, NDO: 1}

    sharing.withdraw_objection(store, BOTH, date(2016, 6, 1), actor="ig", kind=NDO)
    with pytest.raises(NotFound, match="no national data opt-out is recorded"):
        sharing.withdraw_objection(store, BOTH, date(2016, 6, 2), actor="ig", kind=NDO)
    (left,) = sharing.registry(store).of(BOTH)
    assert left.kind is LOCAL, "withdrawing the opt-out leaves the local objection in force"
    history = sharing.objection_history(store, BOTH)
    assert [(e.kind, e.event) for e in history] == [(LOCAL, "recorded"), (NDO, "recorded"), (NDO, "withdrawn")]
    subjects = [e.subject for e in read_log(store).entries]
    assert subjects == ["objection held by RR8", "national data opt-out checked by RR8",
                        "national data opt-out checked by RR8 withdrawn on 2016-06-01"]
    with store.transaction() as session:
        assert [o.kind for o in repo.list_objections(session)] == [LOCAL]


def _agreements(store: Store) -> None:
    from carepool.services.sharing_governance import agreement_from_text

    common = {"parties": "RR8, 00C", "legal_basis": "HSCA 2012 s.251B", "retention_days": "365",
              "start": "2016-04-01", "end": "2017-03-31", "mailboxes": "RR8=X26ABC1, 00C=X26ABC2"}
    sharing.add_agreement(store, agreement_from_text(agreement_id="DC-1", purpose="direct_care",
                                                     fields="nhs_number, name, care_package", **common), actor="ig")
    sharing.add_agreement(store, agreement_from_text(agreement_id="CM-1", purpose="commissioning",
                                                     fields="nhs_number, name, care_package", **common), actor="ig")


def test_the_audited_send_applies_each_kind_by_the_agreements_purpose(store: Store, empty_inboxes: str,
                                                                       tmp_path: Path) -> None:
    _agreements(store)
    for objection in register().of(OPTED_OUT) + register().of(OBJECTOR) + register().of(BOTH):
        sharing.add_objection(store, objection, actor="ig")
    source = write(tmp_path / "care.csv", ROWS)
    box = mailbox(empty_inboxes, "X26ABC1")
    direct = sharing.send(store, source, "DC-1", "X26ABC2", box, actor="ann@RR8", on=date(2016, 9, 1))
    assert (direct.rows_sent, direct.withheld) == (2, 2)
    commissioning = sharing.send(store, source, "CM-1", "X26ABC2", box, actor="ann@RR8", on=date(2016, 9, 1))
    assert (commissioning.rows_sent, commissioning.withheld) == (1, 3)
    assert commissioning.withheld_summary == "3 withheld (2 objection to sharing, 1 national data opt-out)"

    got = sharing.receive(store, mailbox(empty_inboxes, "X26ABC2"), tmp_path / "inbox", actor="bob@00C",
                          on=date(2016, 9, 2))
    assert len(got.received) == 2 and got.refused == []
    by_agreement = {m.local_id: m.path.read_text() for m in got.received}
    assert f"person {OPTED_OUT}" in by_agreement["DC-1"], "the opt-out does not stop direct care"
    assert OPTED_OUT in by_agreement["DC-1"]
    assert f"person {OPTED_OUT}" not in by_agreement["CM-1"] and f"person {NEITHER}" in by_agreement["CM-1"]
    sends = [e for e in read_log(store).entries if e.action == "share.send"]
    assert [e.purpose for e in sends] == ["direct_care", "commissioning"]
    assert "1 national data opt-out" in sends[1].subject and "national data opt-out" not in sends[0].subject
    assert read_log(store).intact


def test_the_cli_records_and_withdraws_each_kind(tmp_path: Path) -> None:
    env = {"CAREPOOL_DB": str(tmp_path / "carepool.db"), "CAREPOOL_ACTOR": "ig@RR8"}
    code, output = cli(env, "share", "objection", "add", OPTED_OUT, "--org", "rr8", "--kind", "national_opt_out")
    assert code == 0 and "national data opt-out recorded: applies to uses beyond individual care" in output
    assert cli(env, "share", "objection", "add", OPTED_OUT, "--org", "RR8")[0] == 0
    code, output = cli(env, "share", "objection", "add", OPTED_OUT, "--org", "RR8", "--kind", "type-1")
    assert code != 0 and "unknown kind of objection" in output
    assert cli(env, "share", "objection", "count")[1].strip() == (
        "2 objections registered: 1 objection to sharing, 1 national data opt-out")
    code, output = cli(env, "share", "objection", "withdraw", OPTED_OUT, "--kind", "national_opt_out")
    assert code == 0 and "national data opt-out withdrawn" in output
    assert cli(env, "share", "objection", "count")[1].strip() == (
        "1 objection registered: 1 objection to sharing, 0 national data opt-out")
