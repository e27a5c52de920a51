"""`carepool performance run --quarter 2015Q1 --admissions FILE`: payment for performance, one quarter."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from carepool.cli.common import DB_OPTION, acting, console, db_url, handled
from carepool.money import Money
from carepool.services import performance as svc
from carepool.services import verification
from carepool.store.db import open_store

GROUP_NAME = "performance"
group = typer.Typer(help="Payment for performance (2015-16) and local risk share (2016-17).", no_args_is_help=True)


@group.command("run")
def run(quarter: str = typer.Option(..., "--quarter", help="Quarter such as 2015Q1 (April-June 2015)."),
        admissions: Path | None = typer.Option(None, "--admissions",
                                               help="CSV: area_code, quarter, admissions."),
        activity: Path | None = typer.Option(None, "--activity",
                                             help="Person-level activity directory: count admissions with "
                                                  "the metrics engine instead of reading a file."),
        engine: str = typer.Option("duckdb", "--engine", help="Metrics engine for --activity: duckdb or spark."),
        area: str | None = typer.Option(None, "--area", help="One HWB area; default all assured plans."),
        db: str | None = DB_OPTION) -> None:
    """Compare each area's emergency admissions with the baseline quarter; release, pay hospitals, post."""
    with handled():
        data = svc.admissions_from(admissions, activity, engine)
        result = svc.run_quarter(open_store(db_url(db)), quarter.upper(), data, area=area,
                                 actor=acting())
        table = Table(title=f"Payment for performance {result.quarter} ({result.year})")
        for column in ("area", "baseline", "actual", "avoided", "share", "released", "paid to acute",
                       "tariff outside pool"):
            table.add_column(column, justify="right")
        for o in result.outcomes:
            table.add_row(o.area, str(o.baseline), str(o.actual), str(o.avoided), str(Money(o.share)),
                          str(Money(o.released)), str(Money(o.paid_to_acute)), str(Money(o.tariff_outside)))
        console.print(table)
        console.print(f"released {result.total('released')}, paid to acute providers "
                      f"{result.total('paid_to_acute')}, through tariff outside the pool "
                      f"{result.total('tariff_outside')}; posted {result.posted}, {result.skipped} already posted")


@group.command("verify")
def verify(quarter: str = typer.Option(..., "--quarter", help="Quarter such as 2015Q1 (April-June 2015)."),
           admissions: Path | None = typer.Option(None, "--admissions",
                                                  help="CSV of verified admissions: area_code, quarter, admissions "
                                                       "(a national series)."),
           activity: Path | None = typer.Option(None, "--activity",
                                                help="Person-level activity directory: the metrics engine counts."),
           engine: str = typer.Option("duckdb", "--engine", help="Metrics engine for --activity: duckdb or spark."),
           db: str | None = DB_OPTION) -> None:
    """Verified admissions decide: re-post provisional quarters on them and flag returns that differ."""
    with handled():
        data = svc.admissions_from(admissions, activity, engine, which="the verified")
        source = admissions.name if admissions is not None else f"metrics engine ({engine})"
        done = verification.verify_quarter(open_store(db_url(db)), quarter.upper(), data, source=source,
                                           actor=acting())
        for f in done.findings:
            console.print(Text(f"[{f.severity.value}] {f.rule}: {f.message}"))
        run = done.run
        console.print(f"{run.quarter}: {len(run.outcomes)} area(s) on verified admissions; released "
                      f"{run.total('released')}, paid to acute providers {run.total('paid_to_acute')}; "
                      f"{run.reversed} provisional posting(s) reversed and re-posted, {run.posted} posted; "
                      f"{len(done.findings)} return(s) differ beyond the tolerance")
