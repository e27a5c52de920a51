"""``carepool audit``: check and show the hash-chained log of shares and person-level reads."""

from __future__ import annotations

import typer

from carepool.cli.common import DB_OPTION, console, db_url, handled, print_json
from carepool.errors import ValidationFailed
from carepool.sharing.audit import verify as verify_chain
from carepool.store import sharing_tables as repo
from carepool.store.db import open_store

GROUP_NAME = "audit"
group = typer.Typer(help="The append-only audit log of shares and reads of person-level data.",
                    no_args_is_help=True)


@group.command("verify")
def verify(db: str | None = DB_OPTION) -> None:
    """Check the chain: any edited, removed or reordered entry is reported, exit non-zero."""
    with handled():
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                entries, head_seq, head_hash = repo.read_audit(session)
        finally:
            store.dispose()
        findings = verify_chain(entries, head_seq=head_seq, head_hash=head_hash)
        if findings:
            raise ValidationFailed(f"the audit log has been tampered with ({len(findings)} problems)", findings)
        console.print(f"audit log intact: {len(entries)} entries")


@group.command("show")
def show(db: str | None = DB_OPTION, last: int = typer.Option(50, "--last", help="How many entries.")) -> None:
    """Print the latest entries as JSON."""
    with handled():
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                entries, _, _ = repo.read_audit(session)
        finally:
            store.dispose()
        print_json([{**e.content(), "hash": e.hash} for e in entries[-last:]])
