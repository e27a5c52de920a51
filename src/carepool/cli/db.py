"""``carepool db``: operate the store (schema upgrade, backup, restore, soundness check)."""

from __future__ import annotations

from pathlib import Path

import typer

from carepool.cli.common import DB_OPTION, console, db_url, handled
from carepool.errors import ValidationFailed
from carepool.findings import Finding, Severity

GROUP_NAME = "db"
group = typer.Typer(help="Operate the store: upgrade, backup, restore, check (SQLite and PostgreSQL).",
                    no_args_is_help=True)


@group.command("upgrade")
def upgrade(db: str | None = DB_OPTION) -> None:
    """Create the schema or migrate it to the current version (Alembic)."""
    from carepool.services import database

    with handled():
        heads = database.upgrade(db_url(db))
        console.print(f"schema at head: {', '.join(heads)}")


@group.command("backup")
def backup(file: Path = typer.Argument(..., help="New file to write the backup to."),
           db: str | None = DB_OPTION) -> None:
    """Back up the store: SQLite's online backup, or pg_dump (custom format) for PostgreSQL."""
    from carepool.services import database

    with handled():
        size = database.backup(db_url(db), file)
        console.print(f"backed up to {file} ({size:,} bytes)")


@group.command("restore")
def restore(file: Path = typer.Argument(..., help="A backup made by carepool db backup."),
            db: str | None = DB_OPTION) -> None:
    """Restore a backup into an EMPTY database, upgrade it to the current schema and check it."""
    from carepool.services import database

    with handled():
        result = database.restore(db_url(db), file)
        console.print(f"restored {file}; schema at head, {result.append_only_tables} append-only tables guarded, "
                      f"{result.accounts_recounted:,} ledger balances equal a full recount")


@group.command("check")
def check(db: str | None = DB_OPTION) -> None:
    """Schema at head, append-only triggers present, ledger balances equal a full recount (exit 3 if not)."""
    from carepool.services import database

    with handled():
        result = database.check(db_url(db))
        if not result.sound:
            raise ValidationFailed(f"the store is not sound ({len(result.problems)} problem(s))",
                                   [Finding("db.check", Severity.ERROR, problem) for problem in result.problems])
        console.print(f"store sound: schema at head ({', '.join(result.heads)}), {result.append_only_tables} "
                      f"append-only tables guarded, {result.accounts_recounted:,} ledger balances equal a full recount")
