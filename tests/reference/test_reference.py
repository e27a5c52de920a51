from fractions import Fraction

import pytest

from carepool.errors import NotFound
from carepool.reference import load_reference


def test_counts_match_published_files() -> None:
    ref = load_reference()
    assert len(ref.areas) == 151          # 152 upper-tier LAs, Scilly planned with Cornwall
    assert len(ref.ccgs_2013) == 211
    assert len(ref.ccgs_2015) == 209
    assert sum(a.population_all_ages for a in ref.areas.values()) == 54_786_327  # ONS England mid-2015
    assert sum(a.population_all_ages_2016 for a in ref.areas.values()) == 55_268_067


def test_grouping_is_data_not_code() -> None:
    ref = load_reference()
    cornwall = ref.area("E06000052")
    assert cornwall.utla_codes == ("E06000052", "E06000053")
    assert ref.area("E06000053") is cornwall      # the Scilly code resolves to the joint area
    assert "Isles of Scilly" in cornwall.name
    with pytest.raises(NotFound, match="E99999999"):
        ref.area("E99999999")


def test_ccg_links_and_shares() -> None:
    ref = load_reference()
    assert ref.ccg("00F").successor == "13T"       # Gateshead merged into Newcastle Gateshead
    assert ref.ccgs_2015["13T"].census_2011_residents == 200214 + 139766 + 140411
    # every 2015 CCG's population is fully shared among the areas it serves
    for code in ref.ccgs_2015:
        shares = [ref.ccg_share_in_area(code, link.area_code) for link in ref.links_for_ccg(code)]
        assert sum(shares, Fraction(0)) == 1
    assert ref.ccg_share_in_area("11N", "E06000052") == 1  # Kernow wholly within Cornwall+Scilly
    with pytest.raises(NotFound):
        ref.ccg("ZZZ")
