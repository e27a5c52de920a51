"""Reading the data-sharing audit log (hash-chained, append-only) and checking that it is intact.

Read-only: entries are written by the sharing use cases as they happen. ``read_log`` returns the
entries with the result of verifying the chain against its recorded head, so a reader sees at
once whether anything was changed, removed or reordered.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.findings import Finding
from carepool.sharing.audit import AuditEntry, verify
from carepool.store.db import Store
from carepool.store.sharing_tables import read_audit


@dataclass(frozen=True)
class AuditLog:
    entries: tuple[AuditEntry, ...]       # in storage order
    head_seq: int | None
    findings: tuple[Finding, ...]         # signs of tampering; empty when the chain is intact

    @property
    def intact(self) -> bool:
        return not self.findings


def read_log(store: Store) -> AuditLog:
    with store.transaction() as session:
        entries, head_seq, head_hash = read_audit(session)
    findings = verify(entries, head_seq=head_seq, head_hash=head_hash)
    return AuditLog(tuple(entries), head_seq, tuple(findings))
