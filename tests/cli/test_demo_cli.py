"""`carepool demo` prints the national summary calibrated to the published figures."""

from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.demo.runner import STEPS
from carepool.services import plans as svc
from carepool.store.db import open_store


def test_demo_plans_and_national_summary(tmp_path: Path) -> None:
    skip = [arg for name, _, _ in STEPS for arg in ("--skip", name)]
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--seed", "7", *skip],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    for expected in ("plans assured │ 151", "-106,000 │ -106,000", "-293,000 │ -293,000",
                     "£5,300.0m", "Plans refused at first import"):
        assert expected in out, expected
    records = svc.list_plans(open_store(str(tmp_path / "carepool-demo.db")))
    assert len(records) == 151
    assert {r.status.value for r in records} == {"assured"}
    assert all(r.plan.illustrative for r in records)


def test_full_demo_runs_every_step_and_prints_each_section(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path), "--seed", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    for name, _, _ in STEPS:
        assert f"{name} (illustrative unless stated)" in out, name
    assert "verdict:" in out and "+184,610" in out
    assert (tmp_path / "report" / "index.html").stat().st_size > 10_000
    assert len(list((tmp_path / "charts").glob("*.png"))) >= 6
