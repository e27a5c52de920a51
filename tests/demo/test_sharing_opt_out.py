"""The demo's share shows both kinds of objection at work, through the real mesh-sandbox.

A local objection withholds its person from both the direct-care and the evaluation share; the
national data opt-out withholds its person from the evaluation share only. The demo's numbers, its
printed lines and the audit trail each say how many rows each kind withheld. Only the share part
of the step runs here (no linkage), so the test stays quick.
"""

import csv
from pathlib import Path

from carepool.cli.demo import _lines
from carepool.demo.sharing_step import (
    DEMO_AGREEMENT,
    EVALUATION_AGREEMENT,
    add_demo_agreements,
    share_through_mesh,
)
from carepool.linkage.synthetic import valid_nhs_numbers
from carepool.services import sharing
from carepool.services.sharing_audit import read_log
from carepool.sharing.objections import ObjectionKind
from carepool.store.db import open_store


def _received_people(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["person_id"] for row in csv.DictReader(handle)}


def test_the_demo_share_withholds_the_opt_out_from_evaluation_only(tmp_path: Path) -> None:
    numbers = valid_nhs_numbers(20, seed=7)
    rows = [{"nhs_number": n, "person_id": f"P{i:03d}", "care_package": "reablement", "weekly_cost": "150"}
            for i, n in enumerate(numbers)]
    said: list[str] = []
    store = open_store(str(tmp_path / "demo.db"))
    try:
        add_demo_agreements(store)
        mesh = share_through_mesh(store, rows, tmp_path / "sharing", said.append)
        log = read_log(store)
        counts = sharing.objection_counts(store)
        datasets = {d.agreement_id: Path(d.path) for d in sharing.held_datasets(store) if d.kind == "received"}
    finally:
        store.dispose()
    assert mesh["sent"] is True, mesh
    assert counts == {ObjectionKind.LOCAL: 1, ObjectionKind.NATIONAL_OPT_OUT: 1}
    shares = {s["purpose"]: s for s in mesh["shares"]}
    assert set(shares) == {"direct_care", "evaluation"}
    assert shares["direct_care"]["withheld"] == {"local": 1, "national_opt_out": 0}
    assert shares["evaluation"]["withheld"] == {"local": 1, "national_opt_out": 1}
    assert shares["direct_care"]["rows"] == 19 and shares["evaluation"]["rows"] == 18
    # what arrived in the recipient's mailbox, read back
    assert set(datasets) == {DEMO_AGREEMENT, EVALUATION_AGREEMENT}
    direct, evaluation = _received_people(datasets[DEMO_AGREEMENT]), _received_people(datasets[EVALUATION_AGREEMENT])
    objector, opted_out = mesh["objector_person"], mesh["opt_out_person"]
    assert objector == "P000" and opted_out == "P001"
    assert objector not in direct and objector not in evaluation
    assert opted_out in direct and opted_out not in evaluation
    assert len(direct) == 19 and len(evaluation) == 18
    assert not any(n in datasets[EVALUATION_AGREEMENT].read_text() for n in numbers)   # pseudonymised
    # the audit trail says how many rows each kind withheld, in each share
    sends = {e.agreement_id: e.subject for e in log.entries if e.action == "share.send"}
    assert "1 withheld (1 objection to sharing)" in sends[DEMO_AGREEMENT]
    assert "national data opt-out" not in sends[DEMO_AGREEMENT]
    assert "2 withheld (1 objection to sharing, 1 national data opt-out)" in sends[EVALUATION_AGREEMENT]
    assert sum(e.action == "objection.add" for e in log.entries) == 2 and log.intact
    # the printed summary names both kinds and what each withheld
    printed = "\n".join(_lines("sharing", {"mesh": mesh}))
    assert "direct care: 19 rows sent, 1 withheld by a local objection, 0 by the national data opt-out" in printed
    assert "evaluation: 18 rows sent, 1 withheld by a local objection, 1 by the national data opt-out" in printed
    assert "opted-out person in the direct-care output: True; in the evaluation output: False" in printed
