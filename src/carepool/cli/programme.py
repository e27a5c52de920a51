"""`carepool programme ...`: the fund's programme years, one year's rules, two years compared."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from carepool.cli.common import console, handled, print_json
from carepool.services import programmes

GROUP_NAME = "programme"
group = typer.Typer(help="Programme years 2015-16 to 2026-27: status, rules, year against year.",
                    no_args_is_help=True)


@group.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every programme year with its status: complete, or the facts still missing."""
    with handled():
        rows = programmes.listing()
        if as_json:
            print_json(rows)
            return
        table = Table(title="Programme years")
        for column in ("year", "plan years", "status", "facts missing"):
            table.add_column(column)
        for r in rows:
            table.add_row(r["id"], ", ".join(r["plan_years"]), r["status"], "; ".join(r["facts_missing"]) or "-")
        console.print(table)


@group.command("show")
def show_cmd(
    year: str = typer.Argument(..., help="Programme year, e.g. bcf-2025-26."),
    as_json: bool = typer.Option(False, "--json", help="Print the year's rules as JSON."),
) -> None:
    """One year's rules: streams, conditions, metrics, payment rule, sign-off, sources, gaps."""
    with handled():
        y = programmes.describe(year)
        if as_json:
            print_json(y)
            return
        _show(y)


def _show(y: dict[str, Any]) -> None:
    nm = y["national_minimum"]
    console.print(f"[bold]{y['name']}[/bold] ({y['id']}): {y['period']['start']} to {y['period']['end']}, "
                  f"plan years {', '.join(y['plan_years'])}; geography {y['vintage']}; status {y['status']}")
    console.print(f"National minimum: {nm['amount'] or 'unpublished'}"
                  f"{' (at least)' if nm['at_least'] else ''}; streams add up to {nm['streams_total'] or 'n/a'}")
    streams = Table(title="Funding streams")
    for column in ("id", "name", "paid by partner", "capital", "pooled", "amounts (GBP)", "source"):
        streams.add_column(column)
    for s in y["streams"]:
        amounts = ", ".join(f"{k}: {v or s['status']}" for k, v in s["amounts"].items())
        streams.add_row(s["id"], s["name"], s["contributor"], "yes" if s["capital"] else "no",
                        "yes" if s["must_pool"] else "no", amounts, s["source"])
    console.print(streams)
    console.print("Conditions: " + ("; ".join(f"{c['id']} {c['title']}" for c in y["conditions"]) or "none listed"))
    console.print("Metrics: " + (", ".join(f"{m['id']}{' (carries money)' if m['carries_money'] else ''}"
                                           for m in y["metrics"]) or "none listed"))
    console.print(f"Payment rule: {y['payment_rule']}; capacity and demand plans: "
                  f"{'yes' if y['capacity_and_demand'] else 'no'}")
    console.print("Sign-off: " + ", ".join(y["required_signoffs"] + y["signatories"])
                  + ("" if y["signatories_delegable"] else " (cannot be delegated)"))
    for g in y["gaps"]:
        console.print(f"[yellow]gap[/yellow] {g['fact']}: {g['note']}")
    for s in y["sources"]:
        console.print(f"source {s['key']}: {s['title']} {s['url']}")


@group.command("compare")
def compare_cmd(
    year_a: str = typer.Argument(..., help="First programme year, e.g. bcf-2015-16."),
    year_b: str = typer.Argument(..., help="Second programme year, e.g. bcf-2025-26."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Two years side by side: streams, conditions, metrics and rules."""
    with handled():
        c = programmes.compare(year_a, year_b)
        if as_json:
            print_json(c)
            return
        a, b = c["a"]["id"], c["b"]["id"]
        for section, key in (("streams", "family"), ("conditions", "id"), ("metrics", "id"), ("rules", "rule")):
            table = Table(title=section)
            for column in (key, a, b, "change"):
                table.add_column(column)
            for row in c[section]:
                table.add_row(str(row[key]), _cell(row["a"]), _cell(row["b"]), row["change"])
            console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)
