"""Geography by vintage: 2015 (151 areas, CCGs) and 2023 (153 areas, 42 ICBs), successor messages."""

from dataclasses import replace
from fractions import Fraction

import pytest

from carepool.errors import NotFound
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.validate import validate_plan
from carepool.programme import available_programmes, load_programme
from carepool.reference import load_reference
from carepool.reference.load_geography import geography


def test_the_2023_geography_has_153_areas_and_42_icbs() -> None:
    g = geography("2023")
    assert len(g.areas) == 153 and len(g.icbs) == 42
    assert sum(a.population_all_ages for a in g.areas.values()) == 57_106_398   # the England row, mid-2022
    assert g.icb("QSL").code == "E54000038"                                   # ODS code or ONS code
    assert g.icb("E54000052").code == "E54000063"                             # July 2022 Surrey Heartlands code


def test_shares_add_up_to_one_for_every_area_and_icb() -> None:
    g = geography("2023")
    checked = 0
    for code in g.areas:
        assert sum(s.area_share for s in g.icbs_for_area(code)) == 1, code
        checked += 1
    for icb in g.icbs:
        assert sum(s.icb_share for s in g.shares if s.icb_code == icb) == Fraction(1), icb
    assert checked == 153
    north_yorkshire = g.icbs_for_area("E06000065")
    assert len(north_yorkshire) == 3 and north_yorkshire[0].icb_code == "E54000051"   # Humber and North Yorkshire
    assert sum(1 for code in g.areas if len(g.icbs_for_area(code)) > 1) == 10


def test_an_old_code_names_its_successor() -> None:
    g = geography("2023")
    with pytest.raises(NotFound, match="E06000066 Somerset"):
        g.area("E10000027")
    assert g.successors("E10000021") == ("E06000061", "E06000062")           # Northamptonshire split in two
    assert "ended on 2019-03-31" in g.explain("E06000028")                    # Bournemouth -> BCP
    assert g.successors("E06000028") == ("E06000058",)
    assert "not a Health and Wellbeing Board area code of the 2023 geography" in g.explain("E99999999")


def test_the_2015_geography_knows_the_later_codes_and_the_isles_of_scilly() -> None:
    g = geography("2015")
    assert len(g.areas) == 151
    assert "the area was E10000027" in g.explain("E06000066")
    assert g.area("E06000053").code == "E06000052"        # 2015: the Isles of Scilly plan with Cornwall (data)
    assert "E06000053" in geography("2023").areas          # 2023 data: its own row, with a note
    assert "Cornwall" in geography("2023").areas["E06000053"].notes
    assert "own HWB" in geography("2023").areas["E09000001"].notes


def test_every_year_names_a_vintage_and_unshipped_vintages_are_refused_plainly() -> None:
    vintages = {y: load_programme(y).vintage for y in available_programmes()}
    assert vintages["bcf-2015-16"] == "2015" and vintages["bcf-2025-26"] == "2023"
    assert vintages["bcf-2019-20"] == "2019"
    with pytest.raises(NotFound, match="not shipped"):
        geography("2019")


def test_a_2015_plan_with_a_2023_code_is_told_the_code_it_replaced() -> None:
    ref = load_reference()
    year = load_programme("bcf-2015-16")
    plan = replace(synthetic_plan("E10000027", year, ref, seed=1), area_code="E06000066")
    (found,) = [f for f in validate_plan(plan, year, ref) if f.rule == "AREA-KNOWN"]
    assert "in the 2015 geography the area was E10000027" in found.message
