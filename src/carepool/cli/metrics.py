"""``carepool metrics``: compute the BCF metrics from a person-level data folder."""

from __future__ import annotations

from pathlib import Path

import typer

from carepool.cli.common import console, print_findings, print_json, run
from carepool.metrics.sql import GRAINS
from carepool.services import person_data
from carepool.services.person_data import ENGINES

GROUP_NAME = "metrics"
group = typer.Typer(help="BCF metrics (2015-16 BCF1-BCF4 and the 2021-2026 metrics; BCF5 has no national "
                    "definition) on DuckDB or Spark; SPC charts.", no_args_is_help=True)


@group.command("compute")
def compute(
    data: Path = typer.Option(..., "--data", help="Folder with <dataset>/*.parquet (e.g. from carepool synthetic)."),
    out: Path = typer.Option(..., "--out", help="Result file (.parquet, or .csv)."),
    engine: str = typer.Option("duckdb", "--engine", help=f"One of {', '.join(ENGINES)}."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL (with --engine spark)."),
    grain: list[str] = typer.Option(list(GRAINS), "--grain", help="month, quarter and/or year."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Monthly, quarterly (financial, 2015Q1 = Apr-Jun 2015) and yearly counts and rates."""

    def body() -> None:
        table, path = person_data.compute(data, out, engine, grains=tuple(grain), master=master)
        summary = {"engine": engine, "rows": table.num_rows, "out": str(path),
                   "metrics": sorted(set(table.column("metric").to_pylist()))}
        if as_json:
            print_json(summary)
        else:
            console.print(f"{table.num_rows:,} metric rows ({', '.join(summary['metrics'])}) "
                          f"on {engine} -> {path}")

    run(body)


@group.command("load")
def load(
    dataset: str = typer.Option(..., "--dataset", help="hospital_spells, delayed_transfers, care_home_admissions, "
                                "reablement_episodes, population or survey (a local BCF6 survey)."),
    file: Path = typer.Option(..., "--file", help="A .csv or .parquet file of that dataset, or a folder of them "
                              "(an unreadable file is quarantined whole and the others still load)."),
    data: Path = typer.Option(..., "--data", help="Data folder; good rows go to <data>/<dataset>/<file>.parquet."),
    as_json: bool = typer.Option(False, "--json", help="Print the load report as JSON."),
) -> None:
    """Validate every row; rejected rows go to <data>/quarantine/<file>.csv with row and reason."""

    def body() -> None:
        report = person_data.load(dataset, file, data)
        if as_json:
            print_json(report.as_dict())
            return
        console.print(f"{report.dataset}: {report.accepted:,} accepted, {report.rejected:,} rejected"
                      + (f", {len(report.rejected_files)} unreadable file(s) quarantined whole"
                         if report.rejected_files else "")
                      + (f" (see {report.quarantine})" if report.quarantine else ""))
        if report.findings:
            print_findings(list(report.findings))

    run(body)


try:
    from carepool.cli.spc import register as _register_spc
except ImportError:  # the SPC command is optional until its module is present
    pass
else:
    _register_spc(group)

from carepool.cli.sitrep import register as _register_sitrep  # noqa: E402

_register_sitrep(group)

from carepool.cli.goals import register as _register_goals  # noqa: E402

_register_goals(group)
