"""``carepool audit``: check and show the hash-chained log of shares and person-level reads."""

from __future__ import annotations

import typer

from carepool.cli.common import DB_OPTION, console, handled, print_json, store_at
from carepool.errors import ValidationFailed
from carepool.services.sharing_audit import read_log

GROUP_NAME = "audit"
group = typer.Typer(help="The append-only audit log of shares and reads of person-level data.",
                    no_args_is_help=True)


@group.command("verify")
def verify(db: str | None = DB_OPTION) -> None:
    """Check the chain: any edited, removed or reordered entry is reported, exit non-zero."""
    with handled():
        with store_at(db) as store:
            log = read_log(store)
        if not log.intact:
            raise ValidationFailed(f"the audit log has been tampered with ({len(log.findings)} problems)",
                                   list(log.findings))
        console.print(f"audit log intact: {len(log.entries)} entries")


@group.command("show")
def show(db: str | None = DB_OPTION, last: int = typer.Option(50, "--last", help="How many entries.")) -> None:
    """Print the latest entries as JSON."""
    with handled():
        with store_at(db) as store:
            log = read_log(store)
        print_json([{**e.content(), "hash": e.hash} for e in log.entries[-last:]])
