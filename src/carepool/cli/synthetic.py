"""``carepool synthetic``: write synthetic person-level data calibrated to the published series.

It was ``carepool synth`` until this release; that name still works (hidden, marked deprecated)."""

from __future__ import annotations

from pathlib import Path

import typer

from carepool.activity.effects import parse_effect
from carepool.cli.common import console, print_json, run
from carepool.services import person_data

COMMAND_NAME = "synthetic"
OLD_NAMES = ("synth",)   # drop in the next release


def command(
    out: Path = typer.Option(..., "--out", help="Folder to write the datasets into."),
    areas: str = typer.Option("all", "--areas", help="'all' or comma-separated HWB area codes."),
    years: str = typer.Option("2012-2017", "--years",
                              help="Financial years by start year, 2012 to 2026: 2023-2025 is 2023-24 to 2025-26."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same data)."),
    effect: list[str] = typer.Option(
        [], "--effect", help="Plant a true effect AREA:YYYY-MM:EFFECT[:METRIC] (BCF1, BCF4, "
        "falls_admissions_65 or avoidable_admissions); repeatable. "
        "Without it a seed-chosen fifth of areas get -5% emergency admissions from a 2015-16 quarter."),
    no_effects: bool = typer.Option(False, "--no-effects", help="Plant no effect at all."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Generate hospital spells (methods, diagnoses, destinations, ready dates), delayed transfers
    (to 2020), care-home admissions, reablement and population data; manifest.json says what each
    year is calibrated to; writes effects.json/csv (the truth) and calibration.csv beside them."""

    def body() -> None:
        planted = [] if no_effects else ([parse_effect(e) for e in effect] or None)
        result = person_data.synthesise(out, areas, years, seed, planted,
                                        progress=None if as_json else console.print)
        if as_json:
            print_json(result.as_dict())
            return
        for name, n in result.rows.items():
            console.print(f"  {name:<22} {n:>12,} rows")
        console.print(f"  largest gap to published (untreated area-months): "
                      f"{ {k: f'{v:.2%}' for k, v in result.max_untreated_gap.items()} }")
        console.print(f"  true effects: {len(result.effects)} (see {out / 'effects.csv'})")
        by_rule: dict[str, list[str]] = {}
        for finding in result.findings:
            by_rule.setdefault(finding.rule, []).append(finding.message)
        console.print("  published-data quirks met (all listed in manifest.json):")
        for rule, messages in sorted(by_rule.items()):
            console.print(f"    {rule}: {len(messages)} - e.g. {messages[0]}")

    run(body)
