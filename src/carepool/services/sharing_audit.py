"""Reading the data-sharing audit log (hash-chained, append-only) and checking that it is intact.

Read-only: entries are written by the sharing use cases as they happen. ``read_log`` returns the
entries with the result of verifying the chain against its recorded head (and, when given, an
anchor kept elsewhere), so a reader sees at once whether anything was changed, removed or reordered.

The audit key (what the chain's HMACs are keyed with) lives outside the database: the
``CAREPOOL_AUDIT_KEY`` setting (at least 32 characters) or a file named by
``CAREPOOL_AUDIT_KEY_FILE``. Without either, the log is still written and checked, with plain
SHA-256 hashes, and every verification carries the warning that it is not keyed: recording
never stops for want of a key, and nobody is told the log is safer than it is.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from carepool.errors import ConfigurationError, ConflictError, InputError, ValidationFailed
from carepool.findings import Finding, Severity, has_errors
from carepool.services.clock import now_utc
from carepool.sharing.audit import GENESIS, Anchor, AuditEntry, verify
from carepool.store.db import Store
from carepool.store.sharing_tables import append_audit, read_audit

MIN_KEY_CHARS = 32


def audit_key() -> bytes | None:
    """The audit key from CAREPOOL_AUDIT_KEY or the file CAREPOOL_AUDIT_KEY_FILE; None when neither is set."""
    text = os.environ.get("CAREPOOL_AUDIT_KEY", "")
    source = "CAREPOOL_AUDIT_KEY"
    file = os.environ.get("CAREPOOL_AUDIT_KEY_FILE", "")
    if not text and file:
        source = f"CAREPOOL_AUDIT_KEY_FILE ({file})"
        try:
            text = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"the audit key file {file} cannot be read: {exc.strerror or exc}") from exc
    if not text:
        return None
    if len(text) < MIN_KEY_CHARS:
        raise ConfigurationError(f"the audit key in {source} is too short: use at least {MIN_KEY_CHARS} random "
                                 "characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    return text.encode()


@dataclass(frozen=True)
class AuditLog:
    entries: tuple[AuditEntry, ...]       # in storage order
    head_seq: int | None
    findings: tuple[Finding, ...]         # signs of tampering (errors), and a warning when the log is not keyed
    keyed: bool = False

    @property
    def intact(self) -> bool:
        return not has_errors(self.findings)


def read_log(store: Store, *, anchor: Anchor | None = None) -> AuditLog:
    key = audit_key()
    with store.transaction() as session:
        entries, head_seq, head_hash = read_audit(session)
    findings = verify(entries, head_seq=head_seq, head_hash=head_hash, key=key, anchor=anchor)
    return AuditLog(tuple(entries), head_seq, tuple(findings), keyed=key is not None)


def take_anchor(store: Store, at: datetime) -> Anchor:
    """The log's head now, to be kept outside the database."""
    with store.transaction() as session:
        entries, head_seq, head_hash = read_audit(session)
    last = entries[-1] if entries else None
    seq = head_seq if head_seq is not None else (last.seq if last else 0)
    return Anchor(seq, head_hash or (last.hash if last else GENESIS), at)


def anchor_if_intact(store: Store, at: datetime, *, actor: str | None = None) -> Anchor:
    """The log's head now, refused (``ValidationFailed``) when the log is not intact: an anchor
    vouches for what it anchors, so a tampered log is never anchored. With ``actor``, that they
    took it is recorded (after the anchored entry, so the anchor still names the head it took)."""
    log = read_log(store)
    if not log.intact:
        raise ValidationFailed("the audit log is not intact: not anchoring it", list(log.findings))
    anchor = take_anchor(store, at)
    if actor is not None:
        _record(store, actor, "audit.anchor", f"anchor taken at entry {anchor.seq}")
    return anchor


def _record(store: Store, actor: str, action: str, subject: str) -> None:
    """Append who checked or anchored the log; a log too damaged to append to is already reported."""
    try:
        with store.transaction() as session:
            append_audit(session, key=audit_key(), at=now_utc(), actor=actor, action=action, subject=subject)
    except ConflictError:
        pass


def anchor_text(anchor: Anchor) -> str:
    """The anchor file's text (JSON), as ``carepool audit anchor`` writes it and the web offers it."""
    return json.dumps({"carepool_audit_anchor": 1, "seq": anchor.seq, "hash": anchor.hash,
                       "at": anchor.at.isoformat()}, indent=2) + "\n"


def write_anchor(anchor: Anchor, out: Path) -> Path:
    out.write_text(anchor_text(anchor), encoding="utf-8")
    return out


MAX_ANCHOR_BYTES = 4096


def parse_anchor(data: bytes, where: str) -> Anchor:
    """An anchor from a file's bytes (an upload, or a file read); InputError naming ``where`` otherwise."""
    if len(data) > MAX_ANCHOR_BYTES:
        raise InputError(f"too large for an anchor file (at most {MAX_ANCHOR_BYTES} bytes)", where=where)
    try:
        parsed = json.loads(data.decode("utf-8"))
        return Anchor(int(parsed["seq"]), str(parsed["hash"]), datetime.fromisoformat(parsed["at"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a carepool audit anchor ({type(exc).__name__})", where=where) from None


def read_anchor(path: Path) -> Anchor:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"not a carepool audit anchor ({type(exc).__name__})", where=str(path)) from None
    return parse_anchor(data, str(path))


def verify_log(store: Store, *, actor: str, anchor: Anchor | None = None) -> AuditLog:
    """Check the chain (against ``anchor`` when given) and record that ``actor`` checked it and what was found.

    The record is appended after the check, so it never changes what was checked."""
    log = read_log(store, anchor=anchor)
    errors = sum(f.severity is Severity.ERROR for f in log.findings)
    against = f" against the anchor of {anchor.at.isoformat(timespec='seconds')} (entry {anchor.seq})" if anchor else ""
    outcome = "intact" if log.intact else f"NOT intact ({errors} problems)"
    _record(store, actor, "audit.verify", f"audit log checked{against}: {outcome}, {len(log.entries)} entries")
    return log
