"""The append-only, hash-chained audit log of shares and reads of person-level data.

Each entry records who, what, when, under which agreement and for which purpose, plus its
sequence number and the hash of the entry before it; its own hash covers all of that.
Editing an entry breaks its hash, removing one breaks the sequence and the next entry's
link, and reordering breaks both. ``verify`` reports every break and names the entry.
A removed *last* entry is caught by comparing with the recorded head (``head_seq`` and
``head_hash``), which the store keeps beside the log.

Someone who can write to the database could still rewrite the log and recompute every hash,
or cut it short and move the head. Two defences, both outside the database:

- the chain is keyed: each hash is an HMAC-SHA256 under a key the server holds outside the
  database (``key``), so entries cannot be recomputed without it. Without a key the hashes are
  plain SHA-256 and ``verify`` says so (warning ``audit-unkeyed-log``); with a key, an entry
  whose hash is a plain one is an error (``audit-unkeyed``).
- an :class:`Anchor` (the head's sequence number and hash, exported and kept elsewhere) is
  checked by ``verify``: a log that ends before it, or whose anchored entry differs, fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from carepool.errors import InputError
from carepool.findings import Finding, error, warning

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


@dataclass(frozen=True)
class Anchor:
    """The head of the log at one moment, kept outside the database to check the log against later."""

    seq: int
    hash: str
    at: datetime


def entry_hash(content: dict[str, object], key: bytes | None = None) -> str:
    """The entry's hash: HMAC-SHA256 under ``key``, or plain SHA-256 when there is no key."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    if key:
        return hmac.new(key, canonical, hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical).hexdigest()


def next_entry(previous: AuditEntry | None, *, at: datetime, actor: str, action: str, subject: str,
               agreement_id: str | None = None, purpose: str | None = None,
               key: bytes | None = None) -> AuditEntry:
    """The entry that follows ``previous`` (or starts the log), with its (keyed) hash computed."""
    if not actor.strip() or not action.strip():
        raise InputError("an audit entry needs an actor and an action")
    if at.tzinfo is None:
        raise InputError("audit times must carry a time zone (use UTC)")
    seq = 1 if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    draft = AuditEntry(seq, at, actor, action, subject, agreement_id, purpose, prev_hash, "")
    return AuditEntry(**{**draft.__dict__, "hash": entry_hash(draft.content(), key)})


def verify(entries: Sequence[AuditEntry], *, head_seq: int | None = None,
           head_hash: str | None = None, key: bytes | None = None,
           anchor: Anchor | None = None) -> list[Finding]:
    """Every sign of tampering in ``entries`` (in stored order); no errors when the chain is intact.

    With ``key`` every hash must be the keyed one; with ``anchor`` the log must still hold the
    anchored entry unchanged. Without a key a warning says the chain could be recomputed.
    """
    found: list[Finding] = []
    present = {e.seq for e in entries}
    previous: AuditEntry | None = None
    for position, entry in enumerate(entries, start=1):
        where = {"row": entry.seq, "field": f"audit entry {entry.seq}"}
        if not hmac.compare_digest(entry_hash(entry.content(), key), entry.hash):
            if key and entry_hash(entry.content()) == entry.hash:
                found.append(error("audit-unkeyed", f"entry {entry.seq} carries a plain hash, not one keyed with "
                                   "this server's audit key: written before the key was set, or rewritten by "
                                   "someone without it", **where))
            else:
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
    if anchor is not None:
        found += _against_anchor(entries, anchor, last_seq)
    if key is None and entries:
        found.append(warning("audit-unkeyed-log", "the log is not keyed (no audit key is set): someone able to "
                             "write to the database could rewrite it and recompute every hash; set "
                             "CAREPOOL_AUDIT_KEY and keep an anchor (carepool audit anchor) elsewhere"))
    return found


def _against_anchor(entries: Sequence[AuditEntry], anchor: Anchor, last_seq: int) -> list[Finding]:
    when = anchor.at.isoformat(timespec="seconds")
    if anchor.seq > last_seq:
        return [error("audit-truncated", f"the log ends at entry {last_seq} but the anchor taken {when} records "
                      f"entry {anchor.seq}: entries were removed (or the log was wiped)", row=anchor.seq)]
    anchored = [e for e in entries if e.seq == anchor.seq]
    if anchor.seq and (not anchored or not hmac.compare_digest(anchored[0].hash, anchor.hash)):
        return [error("audit-rewritten", f"entry {anchor.seq} is not the one anchored {when}: the log up to it "
                      "was rewritten", row=anchor.seq)]
    return []
