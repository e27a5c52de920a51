from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from matplotlib.text import Text
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import InputError
from carepool.exchange.scenario_chart import MARK, footnotes, scenario_figure, write_scenario_chart
from carepool.reference import load_reference
from carepool.scenarios.compare import compare
from carepool.scenarios.pools import picture

runner = CliRunner()


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    ref = load_reference()
    return compare(picture("bcf-2015-16", ref), picture("whole-budget", ref), ref)


def test_report_totals_are_consistent(report: dict[str, Any]) -> None:
    nat = report["national"]
    assert nat["other_pence"] - nat["base_pence"] == nat["change_pence"]
    assert sum(a["other_pence"] for a in report["areas"]) == nat["other_pence"]
    assert sum(p["other_pence"] for p in report["partners"]) == nat["other_pence"]
    assert sum(p["change_pence"] for p in report["partners"]) == nat["change_pence"]
    for side in ("base", "other"):
        assert nat["risk_by_rule"][side], f"no risk-share rule on the {side} side"
        for split in nat["risk_by_rule"][side].values():
            assert split["ccg_pence"] + split["la_pence"] == nat[f"at_risk_{side}_pence"]
    assert "derived" in report["note"] and "ASSUMED" in report["note"]


def test_partners_see_what_changes(report: dict[str, Any]) -> None:
    kinds = {p["kind"] for p in report["partners"]}
    assert kinds == {"ccg", "la"}
    leeds = next(p for p in report["partners"] if p["partner"] == "E08000035")
    assert leeds["other_pence"] > leeds["base_pence"] > 0
    assert set(leeds["at_risk_other_pence"]) == {"fixed-50-50", "proportional", "lead-commissioner"}


def test_chart_is_written(report: dict[str, Any], tmp_path: Path) -> None:
    path = write_scenario_chart(report, tmp_path / "chart.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError):
        write_scenario_chart(report, tmp_path / "chart.gif")


def test_cli_compare_tables_json_and_chart(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", "compare", "bcf-2015-16", "whole-budget", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "Who bears the money at risk" in result.output and "DERIVED" in result.output
    flat = " ".join(result.output.split())
    assert "pooled by CCGs (UNVERIFIED ESTIMATE)" in flat
    assert "UNVERIFIED ESTIMATE: CCG allocations, 2015-16 (£65,600.0m) is an unverified estimate" in flat
    assert "(unverified estimate) - NHS England" in flat      # the source line says so too
    out = tmp_path / "c.svg"
    as_json = runner.invoke(app, ["scenario", "compare", "bcf-2015-16", "percentage-of-budgets", "--json",
                                  "--out", str(out)])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["other"]["id"] == "percentage-of-budgets" and out.exists()
    [ccg] = [t for t in data["other"]["totals"] if t["id"] == "ccg-allocations"]
    assert (ccg["amount_pence"], ccg["verified"], ccg["status_label"]) == (6_560_000_000_000, False,
                                                                            "unverified estimate")
    assert runner.invoke(app, ["scenario", "compare", "bcf-2015-16", "nonsense"]).exit_code == 7
    listing = runner.invoke(app, ["scenario", "list"])
    assert "whole-budget" in listing.output and "bcf-2015-16" in listing.output


def test_each_area_row_splits_its_pool_by_partner(report: dict[str, Any]) -> None:
    assert len(report["areas"]) == 151          # every plan area, so the loop below cannot pass on nothing
    for row in report["areas"]:
        parts = row["partners"]
        assert sum(p["base_pence"] for p in parts) == row["base_pence"]
        assert sum(p["other_pence"] for p in parts) == row["other_pence"]
        assert [p["kind"] for p in parts][-1] == "la" and parts[-1]["partner"] == row["area_code"]


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def test_figures_resting_on_an_unverified_total_are_marked_and_footnoted(report: dict[str, Any],
                                                                         tmp_path: Path) -> None:
    [shaky] = [t for t in report["other"]["totals"] if not t["verified"]]
    assert (shaky["id"], shaky["contributor"], shaky["status"]) == ("ccg-allocations", "ccg", "estimate-unverified")
    fig = scenario_figure(report)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_xticklabels()] == ["bcf-2015-16", f"whole-budget {MARK}"]
    assert [t.get_text() for t in left.get_legend().get_texts()] == [f"CCGs (NHS) {MARK}", "Councils"]
    # one dagger on a bar: whole-budget's CCG segment (the councils' total is published)
    [(x, y)] = [t.get_position() for t in left.texts if t.get_text() == MARK]
    assert x == 1 and 0 < y < report["national"]["ccg_other_pence"] / 100 / 1e9
    assert all(t.get_text().endswith(MARK) for t in right.get_xticklabels())      # all of its money at risk
    assert right.get_title().endswith(MARK)
    [note] = footnotes(report)
    assert note.startswith(MARK) and "CCG" in note and "CCG allocations, 2015-16" in note
    assert "unverified estimate" in note and "whole-budget" in note
    assert note in [line for t in fig.texts for line in t.get_text().split("\n")], "printed under the chart"

    # the same comparison with every total published: no mark, no footnote
    checked = copy.deepcopy(report)
    for side in ("base", "other"):
        for t in checked[side]["totals"]:
            t.update(verified=True, status="published", status_label="published")
    assert footnotes(checked) == [] and not any(MARK in text for text in _texts(scenario_figure(checked)))


def test_the_cli_chart_carries_the_mark_and_footnote(tmp_path: Path) -> None:
    out = tmp_path / "compare.svg"
    result = runner.invoke(app, ["scenario", "compare", "bcf-2015-16", "specific-services", "--out", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert "specific-services \u2020" in svg and "is an unverified estimate" in svg
