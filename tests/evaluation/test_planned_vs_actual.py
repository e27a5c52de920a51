"""Planned versus actual from the real published series (NAO 2017 style)."""

from __future__ import annotations

import pytest

from carepool.errors import InputError
from carepool.evaluation.planned_vs_actual import (
    Actuals,
    PlannedChange,
    UnitCosts,
    actual_changes,
    planned_vs_actual,
)
from carepool.money import Money
from carepool.reference import load_reference
from carepool.reference.load import read_rows

NEWCASTLE, GATESHEAD = "E08000021", "E08000037"


@pytest.fixture(scope="module")
def actuals() -> Actuals:
    return actual_changes()


def test_reproduces_published_england_changes(actuals: Actuals) -> None:
    assert actuals.england_delayed_days.before == 1_624_977
    assert actuals.england_delayed_days.after == 1_809_587
    assert actuals.england_delayed_days.change == 184_610          # NAO: "+185,000"
    assert actuals.england_admissions.before == 5_691_577
    assert actuals.england_admissions.after == 5_885_604


def test_area_admissions_add_up_to_every_ccg_row(actuals: Actuals) -> None:
    ccg_total = [0.0, 0.0]
    for row in read_rows("mar_commissioner_monthly.csv"):
        if row["is_ccg_2013_2015_or_13T"] == "Y" and row["mar_year"] in ("2014-15", "2015-16"):
            ccg_total[row["mar_year"] == "2015-16"] += float(row["nonelective_ga_admissions_total_ffce"])
    assert sum(a.admissions.before for a in actuals.areas) == pytest.approx(ccg_total[0], abs=1e-6)
    assert sum(a.admissions.after for a in actuals.areas) == pytest.approx(ccg_total[1], abs=1e-6)
    assert len(actuals.areas) == 151


def test_newcastle_gateshead_ccgs_continue_through_the_13t_merger(actuals: Actuals) -> None:
    by = {a.area_code: a for a in actuals.areas}
    for code in (NEWCASTLE, GATESHEAD):
        before, after = by[code].admissions.before, by[code].admissions.after
        assert before > 10_000 and after > 10_000
        assert abs(after / before - 1) < 0.15                    # no step from the code change


def test_delayed_days_per_area_follow_published_la_rows(actuals: Actuals) -> None:
    by = {a.area_code: a for a in actuals.areas}
    ref = load_reference()
    hartlepool = sum(float(r["delayed_days_total"]) for r in read_rows("dtoc_delayed_days_la_monthly.csv")
                     if r["utla15_code"] == "E06000001" and "2014-04" <= r["period"] <= "2015-03")
    assert by["E06000001"].delayed_days.before == hartlepool
    cornwall = ref.area("E06000053").code                          # Scilly is planned with Cornwall
    assert by[cornwall].delayed_days.before > 0
    assert any("Resident in Scotland" in c for c in actuals.unreadable_cells)


def test_nao_style_table_values_changes_at_unit_costs(actuals: Actuals) -> None:
    areas = [a.area_code for a in actuals.areas]
    # spread the NAO's national plan (-106,000 admissions, -293,000 days) over areas exactly
    plans = [PlannedChange(code, 106_000 // 151 + (i < 106_000 % 151), 293_000 // 151 + (i < 293_000 % 151))
             for i, code in enumerate(areas)]
    table = planned_vs_actual(plans, actuals)
    adm, dd = table.rows
    assert (adm.planned_change, dd.planned_change) == (-106_000, -293_000)
    assert adm.planned_saving == Money.pounds(1490) * 106_000
    assert table.costs.delayed_day == Money.pounds("307.17")
    assert "derived" in table.costs.delayed_day_basis
    assert dd.planned_saving == Money.pounds("307.17") * 293_000   # the NAO's £90m, to rounding
    assert abs(dd.planned_saving.pence - 9_000_000_000) < 100_000
    assert dd.actual_change == 184_610
    assert dd.worse_than_plan == Money.pounds("307.17") * (184_610 + 293_000)
    assert table.total_planned_savings == adm.planned_saving + dd.planned_saving
    assert len(table.areas) == 151
    assert table.nao_2017["total_planned_savings"] == Money.pounds(511_000_000)


def test_unit_costs_are_parameters(actuals: Actuals) -> None:
    costs = UnitCosts(admission=Money.pounds(1613), delayed_day=Money.pounds(300))
    table = planned_vs_actual([PlannedChange(NEWCASTLE, 100, 50)], actuals, costs)
    assert table.rows[0].planned_saving == Money.pounds(161_300)
    assert table.areas[NEWCASTLE][1].planned_saving == Money.pounds(15_000)


def test_bad_plans_are_refused(actuals: Actuals) -> None:
    with pytest.raises(InputError, match="unknown area code"):
        planned_vs_actual([PlannedChange("E99999999", 1, 1)], actuals)
    with pytest.raises(InputError, match="more than one planned change"):
        planned_vs_actual([PlannedChange(NEWCASTLE, 1, 1), PlannedChange(NEWCASTLE, 2, 2)], actuals)
    with pytest.raises(InputError, match="no published England rows"):
        actual_changes("2009-10", "2010-11")
