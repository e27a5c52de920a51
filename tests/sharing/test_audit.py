from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from carepool.errors import InputError
from carepool.findings import Severity
from carepool.sharing.audit import Anchor, AuditEntry, next_entry, verify

T0 = datetime(2016, 6, 1, 9, 0, tzinfo=UTC)


def chain(n: int = 5) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i in range(n):
        entries.append(next_entry(entries[-1] if entries else None, at=T0 + timedelta(minutes=i),
                                  actor="ann", action="share.send", subject=f"file{i}.csv",
                                  agreement_id="DSA-1", purpose="direct_care"))
    return entries


def rules(found: list) -> list[tuple[str, int | None]]:
    """The errors (an unkeyed chain also carries the warning 'audit-unkeyed-log')."""
    return [(f.rule, f.location.row) for f in found if f.severity is Severity.ERROR]


def test_an_untouched_chain_verifies() -> None:
    entries = chain()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    found = verify(entries, head_seq=5, head_hash=entries[-1].hash)
    assert rules(found) == [] and [f.rule for f in found] == ["audit-unkeyed-log"]


def test_a_keyed_chain_verifies_only_with_its_key() -> None:
    key, other = b"k" * 40, b"o" * 40
    entries: list[AuditEntry] = []
    for i in range(3):
        entries.append(next_entry(entries[-1] if entries else None, at=T0 + timedelta(minutes=i), actor="ann",
                                  action="share.send", subject=f"f{i}", key=key))
    assert verify(entries, head_seq=3, head_hash=entries[-1].hash, key=key) == []
    assert rules(verify(entries, key=other)) == [("audit-edited", 1), ("audit-edited", 2), ("audit-edited", 3)]
    plain = chain(3)
    assert rules(verify(plain, key=key)) == [("audit-unkeyed", 1), ("audit-unkeyed", 2), ("audit-unkeyed", 3)]


def test_an_anchor_catches_a_cut_and_a_rewrite() -> None:
    entries = chain()
    kept = Anchor(5, entries[-1].hash, T0)
    assert rules(verify(entries, anchor=kept)) == []
    assert rules(verify(entries[:3], head_seq=3, head_hash=entries[2].hash, anchor=kept)) == [("audit-truncated", 5)]
    assert rules(verify([], anchor=kept)) == [("audit-truncated", 5)]
    rewritten = []
    for e in entries:
        rewritten.append(next_entry(rewritten[-1] if rewritten else None, at=e.at, actor="mallory",
                                    action=e.action, subject=e.subject))
    assert rules(verify(rewritten, anchor=kept)) == [("audit-rewritten", 5)]


def test_an_edited_entry_is_named() -> None:
    entries = chain()
    entries[2] = replace(entries[2], actor="mallory")
    assert rules(verify(entries)) == [("audit-edited", 3)]


def test_an_edit_with_a_recomputed_hash_still_breaks_the_next_link() -> None:
    entries = chain()
    forged = replace(entries[1], subject="nothing.csv")
    entries[1] = next_entry(entries[0], at=forged.at, actor=forged.actor, action=forged.action,
                            subject=forged.subject, agreement_id="DSA-1", purpose="direct_care")
    assert rules(verify(entries)) == [("audit-broken-link", 3)]


def test_a_removed_entry_is_named() -> None:
    entries = chain()
    del entries[2]
    assert rules(verify(entries)) == [("audit-removed", 4)]
    assert "entry 3 is missing" in verify(entries)[0].message


def test_removing_the_newest_entry_is_caught_by_the_head() -> None:
    entries = chain()
    head = entries[-1]
    assert rules(verify(entries[:-1], head_seq=head.seq, head_hash=head.hash)) == [("audit-removed", 5)]


def test_reordered_entries_are_named() -> None:
    entries = chain()
    entries[1], entries[2] = entries[2], entries[1]
    found = [f for f in verify(entries) if f.severity is Severity.ERROR]
    assert {f.rule for f in found} == {"audit-reordered"}
    assert {f.location.row for f in found} >= {2, 3}


def test_entries_need_an_actor_and_an_aware_time() -> None:
    with pytest.raises(InputError):
        next_entry(None, at=T0, actor=" ", action="x", subject="y")
    with pytest.raises(InputError):
        next_entry(None, at=datetime(2016, 1, 1), actor="a", action="x", subject="y")
