"""`carepool demo`: build the national illustrative picture from the real series and show it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from carepool.cli.common import console, handled
from carepool.demo.runner import DemoResult, run_demo

COMMAND_NAME = "demo"


def command(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Folder for the demo store and outputs."),
    seed: int = typer.Option(2015, help="Seed for the generated (illustrative) figures."),
) -> None:
    """Plan, validate and assure a 2015-16 Better Care Fund plan for every one of the 151 areas."""
    with handled():
        console.rule("[bold]carepool demo[/bold]: the Better Care Fund, 2015-16")
        console.print("Figures marked [italic]illustrative[/italic] are generated from the seed; baselines "
                      "come from the real published series shipped with carepool.")
        result = run_demo(out, seed=seed, say=console.print)
        show(result)


def show(result: DemoResult) -> None:
    p = result.plans
    if p is not None:
        if p.mistakes:
            console.rule("Plans refused at first import (then corrected and re-imported)")
            for m in p.mistakes:
                errors = [f for f in m.findings if f.severity.value == "error"]
                console.print(f"[yellow]{m.area_code}[/yellow]: {m.what} -> {len(errors)} error(s)")
                for f in errors[:3]:
                    console.print(f"    [red]{f.rule}[/red] {f.message} [dim]({f.location})[/dim]")
        table = Table(title=f"National summary, {p.year} (illustrative plans calibrated to published figures)")
        table.add_column("measure")
        table.add_column("carepool", justify="right")
        table.add_column("published", justify="right")
        table.add_row("plans assured", str(p.plans), "151")
        table.add_row("national minimum pooled", p.minimum_derived.millions(), p.minimum_published.millions(0))
        table.add_row("total pooled (with local top-ups)", p.pooled.millions(), "about £5,300m")
        table.add_row("planned change in emergency admissions", f"{p.planned_admissions_change:,}", "-106,000")
        table.add_row("planned change in delayed days", f"{p.planned_delayed_days_change:,}", "-293,000")
        table.add_row("average ambition (admissions)", f"{p.average_ambition_pct:.2f}%", "default 3.5%")
        table.add_row("performance sum at risk (£1,490 an admission)", p.performance_sum.millions(), "")
        for outcome, n in sorted(p.outcomes.items()):
            table.add_row(f"assured: {outcome}", str(n),
                          "about 91" if outcome == "approved subject to conditions" else "")
        console.print(table)
    console.print(f"done in {result.seconds:.1f}s; store: {result.db_path}")
    console.print(f"explore it: carepool plan list --db {result.db_path}")
