"""``carepool metrics goals``: an area's plan goals against the engine's actuals, with SPC icons.

Registered on the ``metrics`` group by ``cli/metrics.py`` through :func:`register`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import DB_OPTION, console, handled, print_json, store_at
from carepool.services import goals, plans


def goals_command(
    area: str = typer.Option(..., "--area", help="HWB area code."),
    year: str = typer.Option(..., "--year", help="Programme year id, e.g. bcf-2025-26."),
    metrics: Path = typer.Option(..., "--metrics", help="A metrics file from carepool metrics compute."),
    period: str | None = typer.Option(None, "--period", help="Financial year of the actual (default the plan's)."),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Each metric the year names: the plan's goal, the actual, met or not, SPC variation and assurance."""
    with handled():
        with store_at(db) as store:
            record = plans.get_plan(store, area, year)
        rows = goals.goals_for(record.plan, year, metrics, period=period)
        if as_json:
            print_json([asdict(r) for r in rows])
            return
        table = Table(title=f"{area} {year}: goals against actuals")
        for column in ("metric", "goal", "actual", "met", "variation", "assurance", "months"):
            table.add_column(column)
        for r in rows:
            table.add_row(r.metric, "" if r.goal is None else f"{r.goal:,.2f}",
                          "" if r.actual is None else f"{r.actual:,.2f}",
                          {True: "yes", False: "no", None: ""}[r.met], r.variation, r.assurance, str(r.months))
        console.print(table)


def register(group: typer.Typer) -> None:
    """Add ``goals`` to the ``metrics`` command group."""
    group.command("goals")(goals_command)
