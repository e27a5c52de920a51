"""``carepool metrics sitrep``: the ICB discharge sitrep as a Making Data Count chart.

For England (default), one ICB (``--icb``) or one plan area (``--area``, apportioned from its ICBs
by resident shares and labelled so); the sitrep's quirks are printed with it. Registered on the
``metrics`` group by ``cli/metrics.py`` through :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from carepool.cli.common import console, handled, print_json
from carepool.cli.spc import _print_table
from carepool.findings import Finding
from carepool.metrics.spc import result_as_dict
from carepool.services import discharge


def sitrep(
    measure: str = typer.Option("discharged_total", "--measure",
                                help="discharged_total or do_not_meet_criteria_to_reside (daily mean by month)."),
    icb: str | None = typer.Option(None, "--icb", help="An ICB code (E54...); default England."),
    area: str | None = typer.Option(None, "--area", help="A plan area code: apportioned from its ICBs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    out: Path | None = typer.Option(None, "--out", help="Also write the chart (.png or .svg)."),
) -> None:
    """XmR chart of the ICB discharge sitrep (April 2022 - August 2025), with its data quirks."""
    with handled():
        chart = discharge.area_chart(area, measure) if area else discharge.icb_chart(measure, icb or "E92000001")
        written = discharge.write_chart(chart, out) if out is not None else None
        quirks: tuple[Finding, ...] = discharge.quirks()
        if as_json:
            print_json({"measure": chart.measure, "place": chart.place, "apportioned": chart.apportioned,
                        "chart": result_as_dict(chart.result), "quirks": [f.as_dict() for f in quirks]})
            return
        label = chart.place + (" (apportioned from its ICBs by resident shares)" if chart.apportioned else "")
        _print_table(chart.result, f"{chart.name}: {label}")
        console.print(f"sitrep quirks ({len(quirks)}), kept as published:")
        for finding in quirks:
            if finding.rule != "sitrep.zero_days":
                console.print(f"  {finding.rule}: {finding.message}")
        zero = sum(1 for f in quirks if f.rule == "sitrep.zero_days")
        console.print(f"  sitrep.zero_days: {zero} month(s) where single ICBs report days of 0 discharges")
        if written is not None:
            console.print(f"chart written to {written}")


def register(group: typer.Typer) -> None:
    """Add ``sitrep`` to the ``metrics`` command group."""
    group.command("sitrep")(sitrep)
