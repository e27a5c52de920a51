"""``carepool metrics spc`` mounted on a throwaway ``metrics`` group, as cli/metrics.py mounts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import carepool.cli.spc as spc_module
from carepool.cli.spc import register

# the 'deviations' vignette series of NHSRplotthedots: one outlier at 2021-03-26
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()
    metrics = typer.Typer()
    register(metrics)
    root.add_typer(metrics, name="metrics")
    return root


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "series.csv"
    lines = ["day,count"] + [f"2021-03-{22 + i:02d},{v}" if i < 10 else f"2021-04-{i - 9:02d},{v}"
                             for i, v in enumerate(VIGNETTE)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["metrics", "spc", *args])
    return result.exit_code, result.stdout, result.stderr


def test_module_defines_no_group_or_command() -> None:
    # main.py mounts any module-level `group`/`command`; spc must only be reached via metrics
    assert not hasattr(spc_module, "group")
    assert not hasattr(spc_module, "command")


def test_json_has_r_numbers_per_point(app: typer.Typer, csv_file: Path) -> None:
    code, out, _ = _run(app, "--csv", str(csv_file), "--value", "count", "--date", "day", "--json")
    assert code == 0
    data = json.loads(out)
    points = data["points"]
    assert len(points) == 18
    assert round(points[0]["upl"], 2) == 4.6 and round(points[0]["lpl"], 2) == -0.72
    assert round(points[0]["mean"], 2) == 1.94
    flagged = [p for p in points if p["special_cause_flag"]]
    assert [(p["date"], p["special_cause_type"], p["point_type"]) for p in flagged] == [
        ("2021-03-26", "Above UCL", "special_cause_improvement")]
    assert data["variation"] == "common_cause" and data["assurance"] is None


def test_options_reach_the_calculation(app: typer.Typer, csv_file: Path) -> None:
    code, out, _ = _run(app, "--csv", str(csv_file), "--value", "count", "--date", "day", "--json",
                        "--no-screen-outliers", "--improvement", "decrease", "--target", "8",
                        "--rebase", "2021-04-03")
    assert code == 0
    data = json.loads(out)
    assert data["options"]["improvement"] == "decrease"
    assert [s["start"] for s in data["segments"]] == ["2021-03-22", "2021-04-03"]
    assert data["points"][4]["point_type"] == "special_cause_concern"
    assert data["assurance"] == "consistent_pass"


def test_run_lengths_are_options(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    values = [3, 1] * 5 + [2.5] * 6 + [1]  # six points above the mean, then one below
    path.write_text("d,v\n" + "".join(f"2024-01-{i + 1:02d},{v}\n" for i, v in enumerate(values)))
    args = ("--csv", str(path), "--value", "v", "--date", "d", "--json")
    default = json.loads(_run(app, *args)[1])
    assert not any(p["special_cause_flag"] for p in default["points"])
    six = json.loads(_run(app, *args, "--shift-length", "6")[1])
    assert [p["special_cause_type"] for p in six["points"][10:16]] == ["6 Points Above CL"] * 6


def test_table_output_and_chart(app: typer.Typer, csv_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "out" / "chart.svg"
    code, out, _ = _run(app, "--csv", str(csv_file), "--value", "count", "--date", "day", "--out", str(chart))
    assert code == 0
    assert "2021-03-26" in out and "Above UCL" in out and "4.6044" in out
    assert "variation: common_cause" in out
    assert chart.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("day,count\n2021-01-01,1\n", ("--value", "total", "--date", "day"), "no column 'total'"),
        ("day,count\n2021-01-01,1\n2021-01-02,x\n", ("--value", "count", "--date", "day"),
         "row 3, column 'count': non-numeric value 'x'"),
        ("day,count\n2021-01-01,1\nyesterday,2\n", ("--value", "count", "--date", "day"),
         "row 3, column 'day': unparseable date 'yesterday'"),
        ("day,count\n2021-01-01,1\n", ("--value", "count", "--date", "day"), "at least 2"),
        ("", ("--value", "count", "--date", "day"), "empty"),
        ("day,count\n2021-01-01,1\n2021-01-02,2\n", ("--value", "count", "--date", "day", "--rebase", "soon"),
         "--rebase: unparseable date 'soon'"),
        ("day,count\n2021-01-01,1\n2021-01-02,2\n", ("--value", "count", "--date", "day", "--out", "c.pdf"),
         "must end in .png or .svg"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    app: typer.Typer, tmp_path: Path, content: str, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = _run(app, "--csv", str(path), *args)
    assert code == 2
    assert message in " ".join(err.split())
    assert out == ""


def test_missing_file(app: typer.Typer, tmp_path: Path) -> None:
    code, _, err = _run(app, "--csv", str(tmp_path / "nope.csv"), "--value", "a", "--date", "b")
    assert code == 2 and "no such file" in err
