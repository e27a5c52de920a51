"""Plans for the years on the 2023 geography: ICB partners, per-year figures, metric goals,
capacity and demand, named signatories; validation driven by the year file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.exchange.excel import read_plan_workbook, write_plan_workbook
from carepool.findings import Severity
from carepool.money import Money, total
from carepool.plans.model import FundingLine, Partner, Plan
from carepool.plans.serialise import plan_from_dict, plan_to_dict
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.plans.validate import validate_plan
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.reference.load_geography import geography_2023

REF = load_reference()
Y2325, Y2526 = load_programme("bcf-2023-25"), load_programme("bcf-2025-26")
NORTH_YORKSHIRE, SOMERSET = "E06000065", "E06000066"


def rules(plan: Plan, year, stage: str = "draft", severity: Severity = Severity.ERROR) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = {}
    for f in validate_plan(plan, year, REF, stage=stage):
        if f.severity is severity:
            out.setdefault(f.rule, []).append(f"{f.location.field}: {f.message}")
    return out


def test_every_2025_26_synthetic_plan_is_valid_and_the_areas_add_up_to_the_published_streams() -> None:
    checked = 0
    pooled: dict[str, int] = {}
    for code in geography_2023().areas:
        plan = synthetic_plan_2023(code, Y2526, seed=checked, signed=True)
        assert rules(plan, Y2526, stage="submission") == {}, code
        for f in plan.funding:
            pooled[f.stream] = pooled.get(f.stream, 0) + f.amount.pence
        checked += 1
    assert checked == 153
    assert pooled == {"nhs-minimum": 561_400_000_000, "la-better-care-grant": 264_000_000_000,
                      "dfg": 71_100_000_000}


def test_north_yorkshire_has_three_icb_partners_and_each_pays_its_part() -> None:
    plan = synthetic_plan_2023(NORTH_YORKSHIRE, Y2526)
    icbs = [p.code for p in plan.partners if p.kind == "icb"]
    assert sorted(icbs) == ["QE1", "QOQ", "QWO"]
    mins = derive_minimums(Y2526, REF)[NORTH_YORKSHIRE]
    assert total(mins.by_la.values()) + total(total(s.values()) for s in mins.by_ccg.values()) == \
        Money(sum(f.amount.pence for f in plan.funding))
    without = replace(plan, partners=tuple(p for p in plan.partners if p.code != "QWO"),
                      funding=tuple(f for f in plan.funding if f.contributor != "QWO"))
    warnings = rules(without, Y2526, severity=Severity.WARNING)
    assert any("QWO" in m and "derived" in m for m in warnings["ICB-PRESENT"])


def test_a_ccg_or_an_ons_icb_code_is_refused_in_an_icb_year() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2526)
    ccg = replace(plan, partners=(*plan.partners, Partner("11X", "NHS Somerset CCG", "ccg")))
    assert any("ICBs replaced them" in m for m in rules(ccg, Y2526)["PARTNER-KIND"])
    ons = replace(plan, partners=tuple(replace(p, code="E54000038") if p.kind == "icb" else p
                                       for p in plan.partners))
    assert any("ODS code QSL" in m for m in rules(ons, Y2526)["ICB-KNOWN"])


def test_two_year_plans_carry_per_year_figures() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2325, signed=True)
    years = {f.plan_year for f in plan.funding}
    assert years == {"2023-24", "2024-25"}
    assert rules(plan, Y2325, stage="submission") == {}
    dfg = {f.plan_year: f.amount for f in plan.funding if f.stream == "dfg"}
    assert set(dfg) == {"2024-25"}            # the 2023-24 national DFG is unpublished: no derived figure
    undated = replace(plan, funding=(*plan.funding[:1], replace(plan.funding[0], plan_year=""), *plan.funding[1:]))
    assert any("needs its plan year" in m for m in rules(undated, Y2325)["FUNDING-YEAR"])
    assert all(len(m.planned) == 2 for m in plan.metrics)          # a goal for each plan year
    short = replace(plan, metrics=(replace(plan.metrics[0], planned=plan.metrics[0].planned[:1]),
                                   *plan.metrics[1:]))
    assert "METRIC-PERIODS" in rules(short, Y2325)


def test_capacity_and_demand_where_the_year_asks() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2325)
    assert {c.plan_year for c in plan.capacity} == {"2023-24", "2024-25"}
    missing = replace(plan, capacity=tuple(c for c in plan.capacity if c.plan_year == "2023-24"))
    assert any("none for 2024-25" in m for m in rules(missing, Y2325)["CAPACITY-MISSING"])
    # 2025-26 asks too (each HWB agrees a capacity and demand plan, YORK2526 in the year file)
    current = synthetic_plan_2023(SOMERSET, Y2526)
    assert {c.plan_year for c in current.capacity} == {"2025-26"}
    assert "CAPACITY-MISSING" in rules(replace(current, capacity=()), Y2526)
    assert not load_programme("bcf-2019-20").capacity_and_demand


def test_two_year_schemes_plan_their_spend_per_plan_year() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2325, signed=True)
    assert plan.schemes and all(len(s.amounts) == 2 for s in plan.schemes)
    assert all(sum(m.pence for _, m in s.amounts) == s.amount.pence for s in plan.schemes)
    assert plan_from_dict(plan_to_dict(plan)) == plan
    assert rules(plan, Y2325, stage="submission") == {}
    first = plan.schemes[0]
    (y1, a1), (y2, a2) = first.amounts
    moved = replace(first, amounts=((y1, a1 - Money(100)), (y2, a2 + Money(100))))   # same total, wrong years
    found = rules(replace(plan, schemes=(moved, *plan.schemes[1:])), Y2325)
    assert [m.split(":")[1].strip() for m in found["SCHEMES-SUM-YEAR"]][:1] == [f"pool P1 in {y1}"]
    assert len(found["SCHEMES-SUM-YEAR"]) == 2                            # both years are off by the £1
    assert "SCHEMES-SUM" not in found                                    # the two-year total still adds up
    one_year = replace(first, amounts=((y1, a1),))
    assert any(f"none for {y2}" in m for m in rules(replace(plan, schemes=(one_year, *plan.schemes[1:])),
                                                       Y2325)["SCHEME-YEAR"])
    off = replace(first, amounts=((y1, a1), (y2, a2 + Money(1))))
    assert "SCHEME-YEAR-SUM" in rules(replace(plan, schemes=(off, *plan.schemes[1:])), Y2325)
    current = synthetic_plan_2023(SOMERSET, Y2526)
    assert all(s.amounts == () for s in current.schemes)
    dated = replace(current.schemes[0], amounts=(("2025-26", current.schemes[0].amount),))
    assert "SCHEME-YEAR" in rules(replace(current, schemes=(dated, *current.schemes[1:])), Y2526)


def test_2025_26_needs_the_chief_executives_and_the_s151_officer() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2526, signed=True)
    unsigned = replace(plan, signoffs=tuple(s for s in plan.signoffs if "151" not in s.role))
    found = rules(unsigned, Y2526, stage="submission")["SIGNATORY"]
    assert found == ["signoffs: Somerset Council: the council s151 officer has not signed (this cannot be delegated)"]
    assert "SIGNATORY" not in rules(unsigned, Y2526, stage="draft")


def test_the_plan_document_round_trips_with_the_new_parts() -> None:
    plan = synthetic_plan_2023(NORTH_YORKSHIRE, Y2325, signed=True)
    assert plan_from_dict(plan_to_dict(plan)) == plan
    assert "plan_year" not in str(plan_to_dict(synthetic_plan_2023(SOMERSET, Y2526))["funding"])


@pytest.mark.parametrize(("year_id", "area"), [("bcf-2025-26", NORTH_YORKSHIRE), ("bcf-2023-25", SOMERSET)])
def test_workbook_export_then_import_is_an_identity(tmp_path: Path, year_id: str, area: str) -> None:
    year = load_programme(year_id)
    plan = synthetic_plan_2023(area, year, seed=5, signed=True)
    path = write_plan_workbook(tmp_path / "plan.xlsx", area_code=area, year=year, ref=REF, plan=plan)
    read = read_plan_workbook(path, ref=REF)
    assert read.findings == [] and read.plan == plan


@pytest.mark.parametrize("year_id", ["bcf-2025-26", "bcf-2023-25", "bcf-2015-16"])
def test_cli_template_validate_import_export_round_trip(tmp_path: Path, year_id: str) -> None:
    runner = CliRunner()
    area = SOMERSET if year_id != "bcf-2015-16" else "E10000027"
    db = str(tmp_path / "t.db")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    template = tmp_path / "template.xlsx"
    assert run("plan", "template", "--year", year_id, "--area", area, "--out", str(template)).exit_code == 0
    assert run("plan", "validate", str(template)).exit_code != 0            # the inputs are still blank
    year = load_programme(year_id)
    if year.vintage == "2023":
        plan = synthetic_plan_2023(area, year, seed=2)
    else:
        from carepool.plans.synthetic import synthetic_plan
        plan = synthetic_plan(area, year, REF, seed=2)
    filled = write_plan_workbook(tmp_path / "filled.xlsx", area_code=area, year=year, ref=REF, plan=plan)
    assert run("plan", "validate", str(filled)).exit_code == 0
    assert run("plan", "import", str(filled), "--db", db).exit_code == 0
    back = tmp_path / "back.xlsx"
    assert run("plan", "export", "--area", area, "--year", year_id, "--out", str(back), "--db", db).exit_code == 0
    assert read_plan_workbook(back, ref=REF).plan == plan


def test_an_old_code_in_a_2023_year_names_its_successor(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", "template", "--year", "bcf-2025-26", "--area", "E10000027",
                                      "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "E06000066 Somerset" in result.output


def test_a_funding_line_from_the_wrong_kind_of_partner() -> None:
    plan = synthetic_plan_2023(SOMERSET, Y2526)
    wrong = replace(plan, funding=(*plan.funding, FundingLine("QSL", "dfg", "P1", Money(100))))
    assert any("upper tier council" in m for m in rules(wrong, Y2526)["FUNDING-STREAM"])
