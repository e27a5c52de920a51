"""Both partner rules (2015 and 2023 geography) ask for the council and the board the same way."""

from __future__ import annotations

from dataclasses import replace

import pytest

from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.plans.validate import validate_plan
from carepool.programme import load_programme
from carepool.reference import load_reference

REF = load_reference()


def _plans() -> list[tuple[str, Plan, str]]:
    y15, y25 = load_programme("bcf-2015-16"), load_programme("bcf-2025-26")
    return [("bcf-2015-16", synthetic_plan("E08000025", y15, REF, seed=2), "local authority"),
            ("bcf-2025-26", synthetic_plan_2023("E08000025", y25), "council")]


@pytest.mark.parametrize(("year", "plan", "council"), _plans(), ids=["2015 geography", "2023 geography"])
def test_a_plan_without_its_council_or_board_gets_one_error_each(year: str, plan: Plan, council: str) -> None:
    before = {f.rule for f in validate_plan(plan, load_programme(year), REF)}
    assert not {"LA-PRESENT", "HWB-PRESENT"} & before
    bare = replace(plan, partners=tuple(p for p in plan.partners if p.kind not in ("la", "hwb")))
    found = [f for f in validate_plan(bare, load_programme(year), REF) if f.rule in ("LA-PRESENT", "HWB-PRESENT")]
    assert sorted(f.rule for f in found) == ["HWB-PRESENT", "LA-PRESENT"]
    la = next(f for f in found if f.rule == "LA-PRESENT")
    assert la.message == f"the plan names no {council} partner" and la.location.field == "partners"
