"""Shared CLI helpers: one place that turns carepool errors into messages and exit codes."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from carepool.errors import CarepoolError, ValidationFailed
from carepool.findings import Finding, Severity
from carepool.store.db import Store, open_store

# wide enough for any table row a command prints, so nothing is folded when piped
UNWRAPPED_WIDTH = 10_000


class CommandConsole(Console):
    """rich's console, except that when its stream is not a terminal nothing is wrapped.

    rich wraps at 80 columns when writing to a pipe or a file, which breaks error messages and
    machine-read output mid-phrase (a path in a long checkout became "no\\nsuch file"). Piped,
    text is soft-wrapped (never broken) and tables size to their content. At a terminal rich's
    wrapping is kept: it is what a person reading there wants.
    """

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not self.is_terminal:
            kwargs.setdefault("soft_wrap", True)
            if kwargs.get("width") is None and any(isinstance(o, Table) for o in objects):
                kwargs["width"] = UNWRAPPED_WIDTH
        super().print(*objects, **kwargs)


def command_console(*, stderr: bool = False) -> Console:
    """The one way a command makes a console (see `CommandConsole`)."""
    return CommandConsole(stderr=stderr)


console = command_console()
err_console = command_console(stderr=True)

T = TypeVar("T")

DB_OPTION = typer.Option(
    None, "--db", envvar="CAREPOOL_DB",
    help="Store: an SQLite file path or a database URL (default ./carepool.db).",
)


# The plan and its conditions register are addressed the same way.
YEAR_OPTION = typer.Option("bcf-2015-16", "--year", help="Programme year id, e.g. bcf-2015-16.")
AREA_OPTION = typer.Option(..., "--area", help="HWB area: ONS code of the upper-tier authority.")


def acting(actor: str | None = None) -> str:
    """Who is acting, for the history and the audit trail: the name given, else the login name, else 'cli'."""
    return actor or getpass.getuser() or "cli"


def db_url(db: str | None) -> str:
    """The store URL from --db / CAREPOOL_DB; a bare path means an SQLite file."""
    value = db or os.environ.get("CAREPOOL_DB") or "carepool.db"
    return value if "://" in value else f"sqlite:///{value}"


@contextmanager
def store_at(db: str | None) -> Iterator[Store]:
    """The store named by --db / CAREPOOL_DB (created or upgraded on open), closed afterwards."""
    store = open_store(db_url(db))
    try:
        yield store
    finally:
        store.dispose()


@contextmanager
def handled() -> Iterator[None]:
    """Run a command body; print carepool errors plainly and exit with their code."""
    try:
        yield
    except ValidationFailed as exc:
        err_console.print(f"[red]refused:[/red] {exc}")
        print_findings(exc.findings, to_stderr=True)
        raise typer.Exit(exc.exit_code) from None
    except CarepoolError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(exc.exit_code) from None


def run(body: Callable[[], T]) -> T:
    with handled():
        return body()
    raise AssertionError("unreachable")  # pragma: no cover


def print_findings(findings: Sequence[Finding], *, to_stderr: bool = False) -> None:
    out = err_console if to_stderr else console
    if not findings:
        out.print("[green]no findings[/green]")
        return
    table = Table(show_lines=False)
    for column in ("severity", "rule", "where", "message"):
        table.add_column(column, overflow="fold")
    colour = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for f in findings:
        table.add_row(f"[{colour[f.severity]}]{f.severity.value}[/]", f.rule, str(f.location), f.message)
    out.print(table)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))
