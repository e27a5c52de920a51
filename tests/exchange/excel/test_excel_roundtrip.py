"""Export then import gives back the identical plan: money to the penny, decimals with their
places, dates, booleans and the order of every row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepool.exchange.excel import read_plan_workbook, write_plan_workbook
from carepool.money import Money, parse_money
from carepool.plans.model import MetricPlan, Plan, Scheme, SignOff
from carepool.plans.serialise import plan_to_dict
from carepool.programme import ProgrammeYear, load_programme
from carepool.reference import ReferenceData

from .conftest import a_plan


def round_trip(plan: Plan, year: ProgrammeYear, ref: ReferenceData, path: Path) -> Plan:
    write_plan_workbook(path, area_code=plan.area_code, year=year, ref=ref, plan=plan)
    read = read_plan_workbook(path, ref=ref)
    assert read.findings == []
    assert read.plan is not None
    assert read.year == year
    return read.plan


@pytest.mark.parametrize(("year_id", "area", "second_pool", "signed"), [
    ("bcf-2015-16", "E06000038", True, True),
    ("bcf-2015-16", "E08000025", False, False),
    ("bcf-2015-16", "E10000012", True, False),
    ("bcf-2016-17", "E06000001", False, True),
    ("bcf-2016-17", "E10000016", True, True),
    ("bcf-2016-17", "E09000033", False, False),
])
def test_exported_plan_reads_back_identical(tmp_path: Path, ref: ReferenceData, year_id: str, area: str,
                                            second_pool: bool, signed: bool) -> None:
    year = load_programme(year_id)
    plan = a_plan(area, year, ref, second_pool=second_pool, signed=signed)
    assert len(plan.pools) == (2 if second_pool else 1)
    assert bool(plan.signoffs) is signed
    back = round_trip(plan, year, ref, tmp_path / "plan.xlsx")
    assert back == plan
    assert plan_to_dict(back) == plan_to_dict(plan)   # decimals keep their places, e.g. '82.0'


def test_awkward_values_survive(tmp_path: Path, ref: ReferenceData, year15: ProgrammeYear) -> None:
    plan = a_plan("E06000038", year15, ref)
    first = plan.schemes[0]
    schemes = (
        replace(first, name="=SUM(A1:A3) is text, not a formula", provider="", amount=Money(1)),
        replace(plan.schemes[1], name="Café £ – naïve “quotes”", amount=Money(9_999_999_999), new=True),
        *plan.schemes[2:],
    )
    metrics = (replace(plan.metrics[0], baseline=Decimal("12.340"), planned=(Decimal("1"), None,
                                                                              Decimal("0.05"), Decimal("3.10"))),
               *plan.metrics[1:])
    awkward = replace(
        plan, schemes=schemes, metrics=metrics, illustrative=False, narrative="Line one\nLine two",
        notes=("first note", "=1+1", "third"),
        signoffs=(SignOff(plan.partners[0].code, "A. Person", "", date(2015, 2, 28)), *plan.signoffs[1:]),
    )
    back = round_trip(awkward, year15, ref, tmp_path / "awkward.xlsx")
    assert back == awkward
    assert plan_to_dict(back) == plan_to_dict(awkward)


def test_a_plan_that_breaks_the_rules_still_reads_back_exactly(tmp_path: Path, ref: ReferenceData,
                                                               year15: ProgrammeYear) -> None:
    """Reading is not validating: rule breaches come back as they were, for validation to report."""
    plan = a_plan("E06000038", year15, ref)
    broken = replace(
        plan,
        schemes=(Scheme("S01", "Dup", "Not a type", "Nowhere", "Nobody", "", "no-stream", "P9", Money(-5), False),
                 Scheme("S01", "Dup", "Not a type", "Nowhere", "Nobody", "", "no-stream", "P9", Money(-5), False)),
        metrics=(MetricPlan("BCF9", None, (None,)),),
        conditions=(replace(plan.conditions[0], confirmed=None, narrative=""),),
        ambition=replace(plan.ambition, planned_quarters=(1, 2, 3, 4), planned_reduction=99),
    )
    assert round_trip(broken, year15, ref, tmp_path / "broken.xlsx") == broken


def test_the_cell_map_points_at_the_cells_holding_each_value(tmp_path: Path, ref: ReferenceData,
                                                             year16: ProgrammeYear) -> None:
    plan = a_plan("E06000038", year16, ref)
    path = write_plan_workbook(tmp_path / "p.xlsx", area_code=plan.area_code, year=year16, ref=ref, plan=plan)
    read = read_plan_workbook(path, ref=ref)
    wb = load_workbook(path)

    def value(field: str) -> object:
        sheet, cell = read.cells[field]
        return wb[sheet][cell].value

    assert plan.funding and plan.schemes and plan.pools and plan.metrics and plan.ambition.planned_quarters
    for i, line in enumerate(plan.funding):
        assert parse_money(value(f"funding[{i}].amount")) == line.amount
        assert value(f"funding[{i}].stream") == line.stream
    for i, s in enumerate(plan.schemes):
        assert value(f"schemes[{i}].ref") == s.ref
        assert parse_money(value(f"schemes[{i}].amount")) == s.amount
    for i, p in enumerate(plan.pools):
        assert value(f"pools[{i}].host") == p.host
    for i, m in enumerate(plan.metrics):
        for j, planned in enumerate(m.planned):
            assert Decimal(repr(value(f"metrics[{i}].planned[{j}]"))) == planned
    for j, q in enumerate(plan.ambition.planned_quarters):
        assert value(f"ambition.planned_quarters[{j}]") == q
    assert parse_money(value("ambition.performance_sum")) == plan.ambition.performance_sum
    assert value("area_code") == plan.area_code and value("year") == year16.id
    assert read.cells["schemes"] == ("Schemes", "A3")
