"""`carepool returns submit FILE` and `carepool returns list AREA`: quarterly returns.

The file is JSON in the shape README.md documents (amounts in pounds, or whole pence with a
``_pence`` suffix). Every problem is printed with the file, line or field it concerns and the
command exits 3; nothing is stored unless there are none.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import DB_OPTION, console, db_url, handled, print_findings, print_json
from carepool.errors import ValidationFailed
from carepool.money import Money
from carepool.plans.quarterly_return import quarter_label
from carepool.services import returns as svc
from carepool.store.db import open_store

GROUP_NAME = "returns"
group = typer.Typer(help="Quarterly returns: submit an area's return for a quarter, list an area's returns.",
                    no_args_is_help=True)


@group.command("submit")
def submit(file: Path = typer.Argument(..., help="The quarterly return as JSON (see README.md)."),
           db: str | None = DB_OPTION,
           json_out: bool = typer.Option(False, "--json", help="Print the outcome (or the findings) as JSON."),
           actor: str | None = typer.Option(None, "--as", help="Who submits (recorded with the return).")) -> None:
    """Validate and store a quarterly return as a new version, and post its quarter's payment for performance."""
    with handled():
        store = open_store(db_url(db))
        try:
            done = svc.submit_file(store, file, actor=actor or getpass.getuser() or "cli")
        except ValidationFailed as exc:
            if not json_out:
                raise
            print_json({"file": str(file), "stored": False, "detail": str(exc),
                        "findings": [f.as_dict() for f in exc.findings]})
            raise typer.Exit(exc.exit_code) from None
        r = done.record
        if json_out:
            print_json({"file": str(file), "stored": True, **svc.as_rows([r])[0],
                        "posted": done.run.posted if done.run else 0,
                        "findings": [f.as_dict() for f in done.findings]})
            return
        if done.findings:
            print_findings(done.findings)
        on_time = {True: "on time", False: "late", None: "no deadline"}[r.on_time]
        console.print(f"stored {r.area_code} {quarter_label(r.quarter)} return version {r.version} "
                      f"({on_time}; due {r.deadline.isoformat() if r.deadline else '-'})")
        if done.run is not None and done.run.outcomes:
            o = done.run.outcomes[0]
            console.print(f"payment for performance {r.quarter}: {o.actual:,} admissions against {o.baseline:,} "
                          f"({o.avoided:,} avoided); released {Money(o.released)}, paid to hospitals "
                          f"{Money(o.paid_to_acute)}; posted {done.run.posted}, reversed {done.run.reversed}")


@group.command("list")
def list_(area: str = typer.Argument(..., help="HWB area: ONS code of the upper-tier authority."),
          year: str | None = typer.Option(None, "--year", help="Programme year id, e.g. bcf-2015-16."),
          db: str | None = DB_OPTION,
          json_out: bool = typer.Option(False, "--json", help="Print the returns as JSON.")) -> None:
    """Every version of an area's quarterly returns: who submitted when, on time, the figures."""
    with handled():
        records = svc.list_returns(open_store(db_url(db)), area, year)
        if json_out:
            print_json(svc.as_rows(records))
            return
        table = Table(title=f"Quarterly returns {area.upper()}")
        for column in ("quarter", "version", "submitted by", "submitted at", "on time", "admissions",
                       "delayed days", "income to date", "expenditure to date"):
            table.add_column(column, justify="right" if column not in ("quarter", "submitted by") else "left",
                             no_wrap=column in ("quarter", "version"))
        for r in records:
            d = r.document
            table.add_row(quarter_label(r.quarter), str(r.version), r.submitted_by, f"{r.submitted_at:%Y-%m-%d %H:%M}",
                          {True: "yes", False: "no (late)", None: "-"}[r.on_time], f"{d.admissions:,}",
                          f"{d.delayed_days:,}", str(d.income_to_date), str(d.expenditure_to_date))
        console.print(table if records else f"no quarterly returns for {area.upper()}")
