"""The sharing demo step: linkage quality, a real MESH round trip without the objector, all audited.

The demo shares through the same services a user would: the agreement and the objection are
stored, the linkage and the share are checked against them, and each appears in the audit trail.
"""

from pathlib import Path

from carepool.demo.sharing_step import DEMO_AGREEMENT, EVALUATION_AGREEMENT, run_demo_step
from carepool.services import sharing
from carepool.services.sharing_audit import read_log
from carepool.store.db import open_store


def test_demo_links_and_shares_through_a_local_sandbox(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    said: list[str] = []
    try:
        result = run_demo_step(store, tmp_path / "sharing", seed=2, progress=said.append)
        log = read_log(store)
        datasets = sharing.held_datasets(store)
        objectors = sharing.objection_count(store)
    finally:
        store.dispose()
    accuracy = result["linkage"]["accuracy"]
    assert accuracy["f1"] >= 0.97 and accuracy["precision"] >= 0.98
    assert result["invalid_nhs_numbers_reported"] > 0
    mesh = result["mesh"]
    assert mesh["sent"] is True, mesh
    assert mesh["withheld_objectors"] == 1 and mesh["objector_in_output"] is False
    assert mesh["checksum_verified"] is True and mesh["chunks"] > 1
    assert (tmp_path / "sharing" / "links.csv").is_file()
    assert any("MESH sandbox" in line for line in said)
    published = result["published"]
    shown = [v for row in published["cells"] for v in row if v is not None]
    assert shown and all(v == 0 or v >= 8 for v in shown)
    assert published["primary_suppressed"] > 0 and published["secondary_suppressed"] > 0
    # the same audited, objection-checked path a user takes
    assert objectors == 2   # a local objection and a national data opt-out
    actions = [e.action for e in log.entries]
    for action in ("agreement.add", "objection.add", "linkage.read", "share.send", "share.receive"):
        assert action in actions, actions
    assert log.intact and result["audit"] == {"entries": len(log.entries), "intact": True}
    assert all(e.agreement_id == DEMO_AGREEMENT for e in log.entries if e.action.startswith("linkage"))
    assert {e.agreement_id for e in log.entries if e.action == "share.send"} == {DEMO_AGREEMENT, EVALUATION_AGREEMENT}
    kinds = sorted(d.kind for d in datasets)
    assert kinds == ["links", "links", "received", "received"]   # the direct-care and the evaluation share
