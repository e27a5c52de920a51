"""`carepool demo`: build the national illustrative picture from the real series and show it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from carepool.cli.common import console, handled
from carepool.demo.runner import DemoResult, run_demo, safe_url
from carepool.money import Money

COMMAND_NAME = "demo"


def command(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Folder for the demo store and outputs."),
    seed: int = typer.Option(2015, help="Seed for the generated (illustrative) figures."),
    serve: bool | None = typer.Option(
        None, "--serve/--no-serve",
        help="After preparing, serve the web app on the demo store and print the demo log-ins "
             "(default: serve when run interactively, stop after preparing otherwise)."),
    port: int = typer.Option(8000, "--port", help="Port for --serve (loopback only)."),
    skip: list[str] = typer.Option([], "--skip", help="Leave out a step (activity, ledger, spc, evaluation, "
                                   "scorecard, sharing, budgets); may be repeated."),
    db: str | None = typer.Option(None, "--db", help="Build the demo in this empty database (e.g. "
                                  "postgresql://user@host/carepool_demo) instead of a new SQLite file in --out."),
    year: str = typer.Option("bcf-2015-16", "--year", help="bcf-2015-16 (the full demo, default) or a year on "
                             "today's geography, e.g. bcf-2025-26 (153 plans with ICB partners)."),
) -> None:
    """Plan, validate and assure a 2015-16 Better Care Fund plan for every one of the 151 areas."""
    if year != "bcf-2015-16":
        result = _current_year(out, seed, year, db)
        if serve is None:
            serve = sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")
        if serve:
            serve_demo(result.db_url, port, year)
        else:
            console.print(f"to browse it: carepool demo --year {year} --serve (or carepool serve --db "
                          f"{_shown(result)})")
        return
    with handled():
        console.rule("[bold]carepool demo[/bold]: the Better Care Fund, 2015-16")
        console.print("Figures marked [italic]illustrative[/italic] are generated from the seed; baselines "
                      "come from the real published series shipped with carepool.")
        result = run_demo(out, seed=seed, say=console.print, skip=tuple(skip), db=db)
        show(result)
    if serve is None:
        serve = sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")
    if serve:
        serve_demo(result.db_url, port, year)
    else:
        console.print(f"to browse it: carepool demo --serve (or carepool serve --db {_shown(result)})")


def _current_year(out: Path, seed: int, year: str, db: str | None) -> DemoResult:
    from carepool.demo.runner import run_current_year_demo

    with handled():
        console.rule(f"[bold]carepool demo[/bold]: the Better Care Fund, {year}")
        console.print("Every figure is illustrative: each area's share of the published national streams.")
        result, summary = run_current_year_demo(out, year_id=year, seed=seed, say=console.print, db=db)
        table = Table(title=f"{summary.year_name}: national streams pooled by the {summary.plans} plans "
                            "(illustrative)")
        for column in ("stream", "pooled by the plans", "published", "equal"):
            table.add_column(column, justify="right")
        for stream, published in summary.published.items():
            pooled = summary.pooled.get(stream, Money(0))
            table.add_row(stream, pooled.millions(3), published.millions(3) if published else "unpublished",
                          "yes" if published == pooled else ("n/a" if published is None else "NO"))
        console.print(table)
        console.print(f"plans assured: {summary.assured} of {summary.plans}; ICB partners: {summary.icb_partners} "
                      f"({summary.areas_with_several_icbs} areas span more than one ICB)")
        if not summary.matches_published:
            raise typer.Exit(1)
    return result


def _shown(result: DemoResult) -> str:
    return str(result.db_path) if result.db_path is not None else safe_url(result.db_url)


def serve_demo(db_url: str, port: int, year: str = "bcf-2015-16") -> None:
    """Create the demo log-ins for ``year``, print them, and serve the demo store until Ctrl-C,
    showing ``year`` first (``CAREPOOL_WEB_YEAR``; the year selector offers the others)."""
    from carepool.services.serving import serve
    from carepool.services.users import create_demo_users
    from carepool.store.db import open_store

    with handled():
        store = open_store(db_url)
        logins = create_demo_users(store, year)
        store.dispose()
    os.environ["CAREPOOL_WEB_YEAR"] = year
    table = Table(title=f"Demo log-ins for {year} (passwords are new on every run)")
    for column in ("email", "password", "role", "organisation"):
        table.add_column(column, overflow="fold")   # never truncate a log-in: it must be copyable
    for email, password, role, org in logins:
        table.add_row(email, password, role, org)
    console.print(table)
    with handled():
        serve(db_url, host="127.0.0.1", port=port, workers=1, say=console.print)


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
        published = p.minimum_published.millions(0) if p.minimum_published else "unpublished"
        table.add_row("national minimum pooled", p.minimum_derived.millions(), published)
        table.add_row("total pooled (with local top-ups)", p.pooled.millions(), "about £5,300m")
        table.add_row("planned change in emergency admissions", f"{p.planned_admissions_change:,}", "-106,000")
        table.add_row("planned change in delayed days", f"{p.planned_delayed_days_change:,}", "-293,000")
        table.add_row("average ambition (admissions)", f"{p.average_ambition_pct:.2f}%", "default 3.5%")
        table.add_row("performance sum at risk (£1,490 an admission)", p.performance_sum.millions(), "")
        for outcome, n in sorted(p.outcomes.items()):
            table.add_row(f"assured: {outcome}", str(n),
                          "about 91" if outcome == "approved subject to conditions" else "")
        console.print(table)
        models = Table(title="Section 75 pools by joint commissioning model and governance (illustrative)")
        models.add_column("commissioning model")
        models.add_column("pools", justify="right")
        models.add_column("governance")
        models.add_column("pools", justify="right")
        left, right = sorted(p.models.items()), sorted(p.governance.items())
        for i in range(max(len(left), len(right))):
            lm, ln = left[i] if i < len(left) else ("", 0)
            rg, rn = right[i] if i < len(right) else ("", 0)
            models.add_row(lm, str(ln) if lm else "", rg, str(rn) if rg else "")
        console.print(models)
    for name, section in result.sections.items():
        lines = section.get("lines") or _lines(name, section)
        if lines:
            console.rule(f"{name} (illustrative unless stated)")
            for line in lines:
                console.print(f"  {line}")
    console.print(f"done in {result.seconds:.1f}s; store: {_shown(result)}")
    console.print(f"explore it: carepool plan list --db {_shown(result)}")


def _share_lines(shares: list[dict[str, Any]]) -> list[str]:
    """One line per demo share: rows sent and how many rows each kind of objection withheld."""
    out = [f"{s['purpose'].replace('_', ' ')}: {s['rows']} rows sent, {s['withheld'].get('local', 0)} withheld by a "
           f"local objection, {s['withheld'].get('national_opt_out', 0)} by the national data opt-out"
           for s in shares]
    seen = {s["purpose"]: s.get("opt_out_in_output") for s in shares}
    if {"direct_care", "evaluation"} <= set(seen):
        out.append(f"opted-out person in the direct-care output: {seen['direct_care']}; "
                   f"in the evaluation output: {seen['evaluation']}")
    return out


def _lines(name: str, section: dict[str, Any]) -> list[str]:
    """Summary lines for sections whose step returns numbers only."""
    if name == "activity":
        england = section.get("england_2015_16", {})
        rows = section.get("rows", 0)
        count = sum(rows.values()) if isinstance(rows, dict) else int(rows)
        out = [f"{count:,} person-level rows for {section.get('areas', 0)} areas, "
               f"financial years {', '.join(section.get('years', []))} (synthetic, calibrated to the real series)"]
        for code in ("BCF1", "BCF2", "BCF3", "BCF4"):
            if code in england:
                m = england[code]
                out.append(f"England 2015-16 {code}: {m['value']:,.1f} ({m['unit']}; numerator {m['numerator']:,})")
        out.append(f"{len(section.get('true_effects', []))} areas carry a planted true effect (written beside the "
                   f"data for checking evaluations); metrics in {section.get('metrics_file', '')}")
        return out
    if name == "budgets":
        cohorts = ", ".join(f"{k} {v:,}" for k, v in section.get("people_by_cohort", {}).items())
        return [
            f"{section.get('people', 0):,} people in {len(section.get('areas', []))} areas ({cohorts})",
            f"budgets {Money(section.get('budget_total_pence', 0)).millions()}, paid "
            f"{Money(section.get('paid_total_pence', 0)).millions()} in {section.get('payments', 0):,} payments "
            f"through the pooled-fund ledger (balanced: {section.get('ledger_balanced')})",
            f"{section.get('alerts', 0) if isinstance(section.get('alerts'), int) else len(section.get('alerts', []))}"
            f" over/under-spend alerts; files in {section.get('folder', '')}",
        ]
    if name == "sharing":
        link = section.get("linkage", {})
        acc = link.get("accuracy") or {}
        mesh = section.get("mesh", {})
        out = [f"{link.get('links', 0):,} social care records linked to health records "
               f"({', '.join(f'{k} {v:,}' for k, v in link.get('by_method', {}).items())}); "
               f"{link.get('review', 0)} for clerical review; {section.get('invalid_nhs_numbers_reported', 0)} "
               "invalid NHS numbers reported"]
        if acc:
            out.append(f"against the known truth: precision {acc['precision']}, recall {acc['recall']}, F1 {acc['f1']}")
        if mesh.get("sent"):
            out.append(f"shared under a direct-care and an evaluation agreement through a local MESH sandbox "
                       f"(direct care: {mesh['rows']} rows in {mesh['chunks']} chunks; checksums verified: "
                       f"{mesh['checksum_verified']}; objector in any output: {mesh['objector_in_output']})")
            out.extend(_share_lines(mesh.get("shares", [])))
        else:
            out.append(f"no MESH share: {mesh.get('reason', 'sandbox not available')}")
        return out
    return []
