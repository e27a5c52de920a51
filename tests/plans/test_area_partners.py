"""One list of an area's plan partners for the synthetic plans, the new draft and the Excel template."""

from __future__ import annotations

from carepool.plans.model import area_partners, hwb_code
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme


def test_council_then_nhs_bodies_in_the_order_given_then_the_board() -> None:
    got = area_partners("E06000014", "York", [("03Q", "NHS Vale of York CCG"), ("02X", "Other CCG")])
    assert [(p.code, p.kind) for p in got] == [("E06000014", "la"), ("03Q", "ccg"), ("02X", "ccg"),
                                               (hwb_code("E06000014"), "hwb")]
    assert got[0].name == "York Council" and got[-1].name == "York Health and Wellbeing Board"
    assert hwb_code("E06000014") == "E06000014-HWB"


def test_a_2023_plan_names_every_icb_of_the_area_as_icb() -> None:
    plan = synthetic_plan_2023("E06000065", load_programme("bcf-2025-26"))   # North Yorkshire: three ICBs
    kinds = [p.kind for p in plan.partners]
    assert kinds[0] == "la" and kinds[-1] == "hwb" and kinds.count("icb") == 3, kinds
