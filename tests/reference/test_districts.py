"""Two-tier counties and their district councils by vintage (where the DFG goes at year end)."""

from __future__ import annotations

import pytest

from carepool.errors import NotFound
from carepool.programme import load_programme
from carepool.reference.districts import tiers
from carepool.services.ledger import year_end_for

SURREY_DISTRICTS = tuple(f"E070{n:05d}" for n in range(207, 218))   # E07000207 .. E07000217


def test_surrey_is_two_tier_in_both_vintages_with_its_eleven_districts() -> None:
    for vintage in ("2015", "2023"):
        found = tiers(vintage, "E10000030")
        assert found.two_tier and found.districts == SURREY_DISTRICTS, vintage


def test_unitary_areas_and_2023_reorganisations() -> None:
    assert not tiers("2015", "E08000018").two_tier and tiers("2015", "E08000018").districts == ()
    assert tiers("2015", "E10000027").two_tier                  # Somerset County in 2015
    assert not tiers("2023", "E06000066").two_tier              # Somerset Council, unitary from April 2023
    assert len(tiers("2023", "E10000003").districts) == 5      # Cambridgeshire
    with pytest.raises(NotFound):
        tiers("2023", "E10000027")                             # gone by 2023: told its successor


def test_the_year_end_sends_the_dfg_to_the_districts_of_the_years_geography() -> None:
    later = year_end_for(load_programme("bcf-2023-25"), "E10000030", "2023-24")
    assert later.district_streams == frozenset({"dfg"}) and later.districts == SURREY_DISTRICTS
    first = year_end_for(load_programme("bcf-2015-16"), "E10000030")
    assert first.district_streams == frozenset({"la-dfg"}) and len(first.districts) == 11
    assert year_end_for(load_programme("bcf-2015-16"), "E08000018").district_streams == frozenset()
