"""The append-only, hash-chained audit log of shares and reads of person-level data.

Each entry records who, what, when, under which agreement and for which purpose, plus its
sequence number and the hash of the entry before it; its own hash covers all of that.
Editing an entry breaks its hash, removing one breaks the sequence and the next entry's
link, and reordering breaks both. ``verify`` reports every break and names the entry.
A removed *last* entry is caught by comparing with the recorded head (``head_seq`` and
``head_hash``), which the store keeps beside the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from carepool.errors import InputError
from carepool.findings import Finding, error

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str              # e.g. "share.send", "share.receive", "linkage.read"
    subject: str             # what: a file, dataset or message id, with a row count
    agreement_id: str | None
    purpose: str | None
    prev_hash: str
    hash: str

    def content(self) -> dict[str, object]:
        return {"seq": self.seq, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "subject": self.subject, "agreement_id": self.agreement_id, "purpose": self.purpose,
                "prev_hash": self.prev_hash}


def entry_hash(content: dict[str, object]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def next_entry(previous: AuditEntry | None, *, at: datetime, actor: str, action: str, subject: str,
               agreement_id: str | None = None, purpose: str | None = None) -> AuditEntry:
    """The entry that follows ``previous`` (or starts the log), with its hash computed."""
    if not actor.strip() or not action.strip():
        raise InputError("an audit entry needs an actor and an action")
    if at.tzinfo is None:
        raise InputError("audit times must carry a time zone (use UTC)")
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    draft = AuditEntry(seq, at, actor, action, subject, agreement_id, purpose, prev_hash, "")
    return AuditEntry(**{**draft.__dict__, "hash": entry_hash(draft.content())})


def verify(entries: Sequence[AuditEntry], *, head_seq: int | None = None,
           head_hash: str | None = None) -> list[Finding]:
    """Every sign of tampering in ``entries`` (in stored order); empty when the chain is intact."""
    found: list[Finding] = []
    present = {e.seq for e in entries}
    previous: AuditEntry | None = None
    for position, entry in enumerate(entries, start=1):
        where = {"row": entry.seq, "field": f"audit entry {entry.seq}"}
        if entry_hash(entry.content()) != entry.hash:
            found.append(error("audit-edited", f"entry {entry.seq} was changed after it was written",
                               **where))
        expected_seq = 1 if previous is None else previous.seq + 1
        expected_prev = GENESIS if previous is None else previous.hash
        gap = range(expected_seq, entry.seq)
        if entry.seq > expected_seq and not any(s in present for s in gap):
            missing = f"{gap[0]}" if len(gap) == 1 else f"{gap[0]}-{gap[-1]}"
            found.append(error("audit-removed", f"entry {missing} is missing before entry {entry.seq}",
                               **where))
        elif entry.seq != expected_seq:
            after = f"after entry {previous.seq}" if previous else "first"
            found.append(error("audit-reordered",
                               f"entry {entry.seq} is out of order: stored {after}, at position {position}",
                               **where))
        elif entry.prev_hash != expected_prev:
            found.append(error("audit-broken-link",
                               f"entry {entry.seq} does not follow the entry before it", **where))
        previous = entry
    last_seq = previous.seq if previous else 0
    last_hash = previous.hash if previous else GENESIS
    if head_seq is not None and head_seq != last_seq:
        found.append(error("audit-removed",
                           f"the log ends at entry {last_seq} but its head records entry {head_seq}",
                           row=head_seq))
    elif head_hash is not None and head_hash != last_hash:
        found.append(error("audit-edited", f"the last entry ({last_seq}) does not match the recorded head",
                           row=last_seq))
    return found
