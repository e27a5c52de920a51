"""`carepool synthetic` is the command's name; `carepool synth`, its old name, still works for one release."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app


def test_the_listed_name_is_synthetic_and_the_old_name_is_hidden() -> None:
    listed = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    names = set(re.findall(r"^│ (\w[\w-]*)\s", listed.output, flags=re.M))
    assert "synthetic" in names and "metrics" in names, names
    assert "synth" not in names


def test_the_old_name_runs_the_same_command_and_says_it_is_deprecated(tmp_path: Path) -> None:
    runner = CliRunner()
    old = runner.invoke(app, ["synth", "--out", str(tmp_path), "--years", "2010"])
    new = runner.invoke(app, ["synthetic", "--out", str(tmp_path), "--years", "2010"])
    assert old.exit_code == new.exit_code != 0           # the same check refuses the same year
    assert "2012-13 to" in new.output and "2012-13 to" in old.output
    assert "deprecated" in old.output.lower() and "deprecated" not in new.output.lower()
