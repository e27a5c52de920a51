"""`carepool returns template|submit|list|collect`: quarterly and end-of-year returns.

The file is JSON in the shape README.md documents (amounts in pounds, or whole pence with a
``_pence`` suffix) or the return workbook ``returns template`` writes (.xlsx). Every problem is
printed with the file, sheet and cell, line or field it concerns and the command exits 3;
nothing is stored unless there are none. From 2021-22 a return reports the year's metrics:
``--metrics FILE`` (or ``CAREPOOL_METRICS_FILE``) names the metrics engine's results from
person-level data, whose figures are then the actuals; the area enters the rest.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import DB_OPTION, acting, console, db_url, handled, print_findings, print_json
from carepool.errors import InputError, ValidationFailed
from carepool.money import Money
from carepool.plans.quarterly_return import parse_period, quarter_label
from carepool.programme import load_programme
from carepool.services import return_metrics, return_workbooks
from carepool.services import returns as svc
from carepool.store.db import open_store

GROUP_NAME = "returns"
group = typer.Typer(help="Quarterly and end-of-year returns: write an area's return workbook, submit a return, "
                         "list an area's returns, collect a period's metrics nationally.", no_args_is_help=True)
METRICS_OPTION = typer.Option(None, "--metrics", help="Metrics file from `carepool metrics compute` (person-level "
                                                      "data): its figures are the actuals (default: "
                                                      f"{return_metrics.METRICS_FILE_ENV}).")


@group.command("template")
def template(area: str = typer.Argument(..., help="HWB area: ONS code of the upper-tier authority."),
             year: str = typer.Option(..., "--year", help="Programme year id, e.g. bcf-2025-26."),
             period: str = typer.Option(..., "--period", help="Quarter (2025Q1 or '2025-26 Q1') or, for the "
                                                              "end-of-year return, the financial year (2025-26)."),
             out: Path = typer.Option(..., "--out", help="Workbook to write (.xlsx)."),
             metrics: Path | None = METRICS_OPTION, db: str | None = DB_OPTION) -> None:
    """Write the area's return workbook, pre-filled from the books, the plan's goals and the engine's figures."""
    with handled():
        path = return_workbooks.template(open_store(db_url(db)), area, year, period, out, metrics_file=metrics)
        console.print(f"wrote {path}")


@group.command("submit")
def submit(file: Path = typer.Argument(..., help="The return as JSON (see README.md) or a return workbook (.xlsx)."),
           db: str | None = DB_OPTION, metrics: Path | None = METRICS_OPTION,
           json_out: bool = typer.Option(False, "--json", help="Print the outcome (or the findings) as JSON."),
           actor: str | None = typer.Option(None, "--as", help="Who submits (recorded with the return).")) -> None:
    """Validate and store a quarterly return as a new version, and post its quarter's payment for performance."""
    with handled():
        store = open_store(db_url(db))
        try:
            who = acting(actor)
            if file.suffix.lower() == ".xlsx":
                done = return_workbooks.submit_workbook(store, file, actor=who, metrics_file=metrics)
            else:
                done = svc.submit_file(store, file, actor=who, metrics_file=metrics)
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
        for m in r.document.metrics:
            console.print(f"  {m.metric}: actual {_figure(m.actual)} ({m.source}"
                          f"{f'; {_figure(m.lower)} to {_figure(m.upper)}' if m.lower is not None else ''}), goal "
                          f"{_figure(m.goal)}, {'on track' if m.on_track else 'not on track'}")
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
                          {True: "yes", False: "no (late)", None: "-"}[r.on_time], _count(d.admissions),
                          _count(d.delayed_days), str(d.income_to_date), str(d.expenditure_to_date))
        console.print(table if records else f"no quarterly returns for {area.upper()}")


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


@group.command("collect")
def collect(year: str = typer.Option(..., "--year", help="Programme year id, e.g. bcf-2025-26."),
            period: str = typer.Option(..., "--period", help="Quarter (2025Q1) or financial year (2025-26)."),
            db: str | None = DB_OPTION,
            json_out: bool = typer.Option(False, "--json", help="Print every area's metric rows as JSON.")) -> None:
    """The national collection: every area's latest return for the period, each metric's goal and actual."""
    with handled():
        chosen = parse_period(period)
        if chosen is None:
            raise InputError(f"'{period}' is not a quarter like 2025Q1 or a financial year like 2025-26")
        rows = svc.collect(open_store(db_url(db)), year, chosen)
        if json_out:
            print_json([dataclasses.asdict(r) for r in rows])
            return
        table = Table(title=f"{year} {quarter_label(chosen)}: metrics reported")
        table.add_column("metric", no_wrap=True, min_width=28)
        for column in ("areas", "on track", "from engine", "meet goal"):
            table.add_column(column, justify="right")
        for s in return_metrics.summary(load_programme(year), rows):
            table.add_row(s.metric, str(s.areas), str(s.on_track), str(s.from_engine), str(s.meets_goal))
        console.print(table)
