"""``carepool audit``: check and show the hash-chained log of shares and person-level reads,
and export its head (an anchor) to keep somewhere the database's administrators cannot change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from carepool.cli.common import DB_OPTION, console, err_console, handled, print_json, store_at
from carepool.errors import ValidationFailed
from carepool.findings import Severity
from carepool.services.sharing_audit import anchor_if_intact, read_anchor, read_log, write_anchor

GROUP_NAME = "audit"
group = typer.Typer(help="The append-only audit log of shares and reads of person-level data.",
                    no_args_is_help=True)


@group.command("verify")
def verify(db: str | None = DB_OPTION,
           anchor: Path | None = typer.Option(None, "--anchor",
                                              help="An anchor from 'carepool audit anchor': the log must still "
                                                   "hold that entry unchanged.")) -> None:
    """Check the chain: any edited, removed, reordered or cut-off entry is reported, exit non-zero."""
    with handled():
        kept = read_anchor(anchor) if anchor is not None else None
        with store_at(db) as store:
            log = read_log(store, anchor=kept)
        if not log.intact:
            raise ValidationFailed(f"the audit log has been tampered with "
                                   f"({sum(f.severity is Severity.ERROR for f in log.findings)} problems)",
                                   list(log.findings))
        for f in log.findings:
            err_console.print(f"[yellow]warning:[/yellow] {f.message}")
        against = f"; matches the anchor of {kept.at.isoformat(timespec='seconds')}" if kept else ""
        console.print(f"audit log intact: {len(log.entries)} entries{'' if log.keyed else ' (not keyed)'}{against}")


@group.command("anchor")
def anchor(db: str | None = DB_OPTION,
           out: Path = typer.Option(..., "--out", help="File for the anchor (JSON); keep it elsewhere.")) -> None:
    """Export the log's head (sequence number and hash) so later cuts or rewrites can be proved."""
    with handled():
        with store_at(db) as store:
            kept = anchor_if_intact(store, datetime.now(UTC))
        write_anchor(kept, out)
        console.print(f"anchor written to {out}: entry {kept.seq}, hash {kept.hash}")


@group.command("show")
def show(db: str | None = DB_OPTION, last: int = typer.Option(50, "--last", help="How many entries.")) -> None:
    """Print the latest entries as JSON."""
    with handled():
        with store_at(db) as store:
            log = read_log(store)
        print_json([{**e.content(), "hash": e.hash} for e in log.entries[-last:]])
