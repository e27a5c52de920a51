"""`carepool scenario ...`: compare pooling scenarios (whole budget, specific services, a percentage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from carepool.cli.common import console, handled, print_json
from carepool.money import Money
from carepool.services import scenarios

GROUP_NAME = "scenario"
group = typer.Typer(help="Pooling scenarios: pool sizes, money at risk by risk-share rule, what changes for partners.",
                    no_args_is_help=True)


def _m(pence: int) -> str:
    return Money(pence).millions()


@group.command("list")
def list_cmd() -> None:
    """Programme years and scenarios that can be compared."""
    with handled():
        for choice in scenarios.choices():
            if choice.kind == "programme":
                console.print(f"programme  {choice.id}")
            else:
                console.print(f"scenario   {choice.id}: {choice.name}")


@group.command("compare")
def compare_cmd(
    base: str = typer.Argument(..., help="Programme year or scenario, e.g. bcf-2015-16."),
    other: str = typer.Argument(..., help="Scenario id or YAML file, e.g. whole-budget."),
    as_json: bool = typer.Option(False, "--json", help="Print the full comparison as JSON."),
    out: Path | None = typer.Option(None, "--out", help="Also draw a chart (.png or .svg)."),
    top: int = typer.Option(10, "--top", min=1, help="Areas and partners to show in the tables."),
) -> None:
    """Pool sizes per area and nationally, money at risk under each risk-share rule, partner changes."""
    with handled():
        report = dict(scenarios.comparison(base, other, files=True))
        if out is not None:
            report["chart"] = str(scenarios.write_chart(report, out))
        if as_json:
            print_json(report)
            return
        _show(report, top)


def _show(r: dict[str, Any], top: int) -> None:
    nat = r["national"]
    table = Table(title=f"England: {r['base']['id']} against {r['other']['id']} (DERIVED)")
    table.add_column("", justify="right", no_wrap=True)
    for column in (r["base"]["id"], r["other"]["id"], "change"):
        table.add_column(column, justify="right")
    estimated = {t["contributor"] for t in scenarios.unverified_totals(r)}
    mark = " (UNVERIFIED ESTIMATE)"
    for label, key in (("pooled by CCGs", "ccg"), ("pooled by councils", "la")):
        b, o = nat[f"{key}_base_pence"], nat[f"{key}_other_pence"]
        table.add_row(label + (mark if key in estimated else ""), _m(b), _m(o), _m(o - b))
    table.add_row("total pool" + (mark if estimated else ""), _m(nat["base_pence"]), _m(nat["other_pence"]),
                  _m(nat["change_pence"]))
    table.add_row(f"at risk ({r['overspend_pct']}% overspend)", _m(nat["at_risk_base_pence"]),
                  _m(nat["at_risk_other_pence"]), _m(nat["at_risk_other_pence"] - nat["at_risk_base_pence"]))
    perf = r["base"].get("performance_at_risk_pence")
    if perf is not None:
        table.add_row("payment-for-performance element", _m(perf), "", "")
    console.print(table)
    risk = Table(title=f"Who bears the money at risk, by risk-share rule (lead: {r['lead']})")
    for column in ("rule", "CCGs (base)", "councils (base)", "CCGs (other)", "councils (other)"):
        risk.add_column(column, justify="right")
    for rule, split in nat["risk_by_rule"]["other"].items():
        b = nat["risk_by_rule"]["base"][rule]
        risk.add_row(rule, _m(b["ccg_pence"]), _m(b["la_pence"]), _m(split["ccg_pence"]), _m(split["la_pence"]))
    console.print(risk)
    areas = Table(title=f"Largest {top} area pools under {r['other']['id']} (derived)")
    for column in ("area", "base", "other", "change", "at risk (other)"):
        areas.add_column(column, justify="right")
    for a in sorted(r["areas"], key=lambda x: -x["other_pence"])[:top]:
        areas.add_row(a["area_name"], _m(a["base_pence"]), _m(a["other_pence"]), _m(a["change_pence"]),
                      _m(a["at_risk_other_pence"]))
    console.print(areas)
    partners = Table(title=f"What changes for partners: largest {top} changes (derived)")
    for column in ("partner", "kind", "base", "other", "change", "at risk: 50/50", "proportional", "lead"):
        partners.add_column(column, justify="right")
    for p in sorted(r["partners"], key=lambda x: -abs(x["change_pence"]))[:top]:
        risk_of = p["at_risk_other_pence"]
        partners.add_row(p["name"], p["kind"], _m(p["base_pence"]), _m(p["other_pence"]), _m(p["change_pence"]),
                         *(_m(risk_of.get(k, 0)) for k in ("fixed-50-50", "proportional", "lead-commissioner")))
    console.print(partners)
    for source in r["other"]["sources"]:
        console.print(f"source: {source}")
    for caveat in r["other"]["caveats"]:
        console.print(f"[yellow]caveat:[/yellow] {caveat}")
    for t in scenarios.unverified_totals(r):
        console.print(f"[yellow]UNVERIFIED ESTIMATE:[/yellow] {t['name']} ({_m(t['amount_pence'])}) is an "
                      f"unverified estimate ({t['status']} in the scenario file): check it against its source "
                      "before use; every figure derived from it is an estimate too")
    console.print(f"[italic]{r['note']}[/italic]")
    if "chart" in r:
        console.print(f"chart: {r['chart']}")
