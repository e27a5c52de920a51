from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import ConfigurationError
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.scorecard.inputs import Estimate, PlanStatus, SpcEvidence, evidence_from_plans, proportion
from carepool.scorecard.method import (
    AreaEvidence,
    Indicator,
    Method,
    as_rows,
    load_method,
    parse_method,
    score_areas,
    with_weights,
)


def method(**indicators: dict[str, object]) -> Method:
    return parse_method({"id": "t", "indicators": indicators, "missing": "reweight",
                         "bootstrap": {"draws": 300, "seed": 1, "level": 0.9}}, "test")


TWO = method(assured={"weight": 1, "normalise": "proportion"}, returns={"weight": 1, "normalise": "proportion"})


def area(code: str, assured: float | None, returns: float | None, se: float = 0.0) -> AreaEvidence:
    return AreaEvidence(code, {"assured": None if assured is None else Indicator(assured, se),
                               "returns": None if returns is None else Indicator(returns, se)})


EVIDENCE = [area("A", 1.0, 0.2), area("B", 0.5, 0.9), area("C", 0.3, 0.3)]


def ranking(scores: list) -> list[str]:
    return [s.area_code for s in scores if s.rank is not None]


def test_weights_change_the_ranking() -> None:
    assert ranking(score_areas(EVIDENCE, with_weights(TWO, {"assured": 3, "returns": 1}))) == ["A", "B", "C"]
    assert ranking(score_areas(EVIDENCE, with_weights(TWO, {"assured": 1, "returns": 3}))) == ["B", "A", "C"]


def test_missing_evidence_is_handled_by_the_stated_policy() -> None:
    evidence = [area("A", 1.0, None), area("B", 0.8, 0.8), area("C", None, None)]
    reweight = {s.area_code: s for s in score_areas(evidence, TWO)}
    assert reweight["A"].score == pytest.approx(1.0) and reweight["A"].missing == ("returns",)
    assert reweight["A"].coverage == pytest.approx(0.5)
    assert reweight["C"].rank is None and reweight["C"].coverage == 0.0
    zero = {s.area_code: s for s in score_areas(evidence, replace(TWO, missing="zero"))}
    assert zero["A"].score == pytest.approx(0.5) and zero["B"].rank == 1
    exclude = {s.area_code: s for s in score_areas(evidence, replace(TWO, missing="exclude"))}
    assert exclude["A"].rank is None and exclude["B"].rank == 1
    rows = as_rows(score_areas(evidence, TWO))
    assert rows[-1]["area_code"] == "C" and rows[-1]["missing"] == ["assured", "returns"]


def test_intervals_widen_with_noisier_indicators() -> None:
    def widths(se: float) -> tuple[float, int]:
        scores = score_areas([area(c, v, v, se) for c, v in (("A", 0.6), ("B", 0.55), ("C", 0.5))],
                             TWO)
        a = next(s for s in scores if s.area_code == "A")
        assert a.score_interval is not None and a.rank_interval is not None
        return a.score_interval[1] - a.score_interval[0], a.rank_interval[1] - a.rank_interval[0]

    quiet, noisy = widths(0.005), widths(0.2)
    assert noisy[0] > quiet[0] * 5
    assert noisy[1] > quiet[1]
    assert quiet[1] == 0   # certain evidence: A is first in every draw


def test_normalisations_and_direction() -> None:
    m = method(spend={"weight": 1, "normalise": "band", "tolerance": 0.1},
               effect={"weight": 1, "normalise": "zscore", "direction": "decrease"},
               spc={"weight": 1, "normalise": "minmax"})
    evidence = [AreaEvidence("A", {"spend": Indicator(1.0), "effect": Indicator(-2.0), "spc": Indicator(0.3)}),
                AreaEvidence("B", {"spend": Indicator(1.25), "effect": Indicator(1.0), "spc": Indicator(-0.1)})]
    scores = {s.area_code: s for s in score_areas(evidence, m)}
    assert scores["A"].rank == 1
    assert scores["B"].score is not None and scores["B"].score < 0.2


def test_method_file_is_documented_and_validated() -> None:
    m = load_method()
    assert {s.id for s in m.indicators} == {"plan_assured", "plan_on_time", "returns_on_time", "spend_vs_plan",
                                            "metric_spc", "evaluation", "personal_budgets"}
    assert m.outcome_scores["approved"] == 1.0
    with pytest.raises(ConfigurationError):
        parse_method({"indicators": {"x": {"normalise": "vibes"}}}, "bad")
    with pytest.raises(ConfigurationError):
        parse_method({"indicators": {"x": {"weight": 0}}}, "bad")
    with pytest.raises(ConfigurationError):
        parse_method({"indicators": {"x": {}}, "missing": "guess"}, "bad")


def test_evidence_from_plans_and_statuses() -> None:
    ref = load_reference()
    year = load_programme("bcf-2015-16")
    plans = [synthetic_plan(code, year, ref, seed=1) for code in ("E08000035", "E06000023", "E10000003")]
    deadline = date(2014, 9, 19)
    statuses = {
        "E08000035": PlanStatus("E08000035", "assured", "approved", deadline, deadline, 4, 4,
                                plans[0].schemes_total.pence),
        "E06000023": PlanStatus("E06000023", "assured", "approved subject to conditions", date(2014, 10, 1), deadline,
                                4, 2, plans[1].schemes_total.pence * 13 // 10),
    }
    m = load_method()
    evidence = evidence_from_plans(plans, statuses, m, spc={"E08000035": SpcEvidence(3, 0, 24)},
                                   evaluation={"E06000023": Estimate(0.5, 0.4)},
                                   personal_budgets={"E08000035": (90, 100)})
    by_area = {e.area_code: e for e in evidence}
    leeds = by_area["E08000035"].indicators
    assert leeds["plan_assured"] == Indicator(1.0, 0.0) and leeds["plan_on_time"] == Indicator(1.0, 0.0)
    assert leeds["spend_vs_plan"] is not None and leeds["spend_vs_plan"].value == pytest.approx(1.0)
    assert leeds["metric_spc"] is not None and leeds["metric_spc"].value == pytest.approx(3 / 24)
    assert all(v is None for v in by_area["E10000003"].indicators.values())   # nothing known: nothing invented
    scores = score_areas(evidence, m)
    assert scores[0].area_code == "E08000035"
    assert scores[-1].area_code == "E10000003" and scores[-1].rank is None


def test_proportion_has_honest_uncertainty() -> None:
    perfect = proportion(4, 4)
    assert perfect is not None and perfect.value == 1.0 and perfect.se > 0
    assert proportion(0, 0) is None
    small, large = proportion(2, 4), proportion(200, 400)
    assert small is not None and large is not None and small.se > large.se


def test_cli_scorecard_ranks_with_intervals_and_weights(tmp_path: Path) -> None:
    path = tmp_path / "evidence.csv"
    path.write_text("area_code,plan_assured,returns_on_time,returns_on_time_se\n"
                    "A,1.0,0.2,0.05\nB,0.5,0.9,0.05\nC,,,\n", encoding="utf-8")
    runner = CliRunner()
    base = runner.invoke(app, ["budgets", "scorecard", str(path), "--json"])
    assert base.exit_code == 0, base.output
    areas = json.loads(base.output)["areas"]
    assert [a["area_code"] for a in areas] == ["A", "B", "C"] and areas[2]["rank"] is None
    assert areas[0]["rank_interval"] is not None
    flipped = runner.invoke(app, ["budgets", "scorecard", str(path), "--json", "--weight", "plan_assured=0.1"])
    assert [a["area_code"] for a in json.loads(flipped.output)["areas"]][:2] == ["B", "A"]
    table = runner.invoke(app, ["budgets", "scorecard", str(path)])
    assert table.exit_code == 0 and "HWB scorecard" in table.output
    assert runner.invoke(app, ["budgets", "scorecard", str(path), "--weight", "charm=2"]).exit_code == 2
    path.write_text("area_code,plan_assured\nA,yes\n", encoding="utf-8")
    assert runner.invoke(app, ["budgets", "scorecard", str(path)]).exit_code == 2
