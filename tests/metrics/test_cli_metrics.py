"""``carepool metrics compute`` writes the metrics file and reports clear errors."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from carepool.cli import metrics as metrics_cli
from carepool.cli import synthetic as synthetic_cli


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command(synthetic_cli.COMMAND_NAME)(synthetic_cli.command)
    app.add_typer(metrics_cli.group, name=metrics_cli.GROUP_NAME)
    return app


def test_synthetic_then_compute(tmp_path: Path) -> None:
    runner = CliRunner()
    data, out = tmp_path / "data", tmp_path / "m.parquet"
    made = runner.invoke(_app(), ["synthetic", "--areas", "E08000009", "--years", "2015", "--seed", "3",
                                  "--out", str(data), "--effect", "E08000009:2015-10:-0.1"])
    assert made.exit_code == 0, made.output
    assert (data / "effects.csv").read_text().splitlines()[1] == "E08000009,BCF1,2015-10,-0.1"
    done = runner.invoke(_app(), ["metrics", "compute", "--data", str(data), "--out", str(out),
                                  "--grain", "quarter", "--json"])
    assert done.exit_code == 0, done.output
    table = pq.read_table(out)
    assert set(table.column("grain").to_pylist()) == {"quarter"}
    assert "2015Q3" in table.column("period").to_pylist()


def test_errors_become_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(_app(), ["metrics", "compute", "--data", str(tmp_path), "--out",
                                     str(tmp_path / "m.parquet")])
    assert missing.exit_code == 2
    bad = runner.invoke(_app(), ["synthetic", "--out", str(tmp_path), "--effect", "nonsense"])
    assert bad.exit_code == 2
    engine = runner.invoke(_app(), ["metrics", "compute", "--data", str(tmp_path), "--out",
                                    str(tmp_path / "m.parquet"), "--engine", "oracle"])
    assert engine.exit_code == 7


def test_load_command_reports_counts_and_quarantines(tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "activity" / "spells_bad.csv"
    done = CliRunner().invoke(_app(), ["metrics", "load", "--dataset", "hospital_spells", "--file", str(fixture),
                                       "--data", str(tmp_path), "--json"])
    assert done.exit_code == 0, done.output
    assert '"accepted": 2' in done.output and '"rejected": 7' in done.output
    assert (tmp_path / "quarantine" / "spells_bad.csv").exists()
    assert pq.read_table(tmp_path / "hospital_spells" / "spells_bad.parquet").num_rows == 2
