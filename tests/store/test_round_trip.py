"""Property: whatever a plan holds (any text, any pence, any decimal), the store gives it back equal."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.money import Money
from carepool.plans.model import Plan
from carepool.store import plan_repo as plans
from carepool.store.db import Store
from tests.store.plan_builder import T0, make_plan

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
PENCE = st.integers(min_value=-(10**15), max_value=10**15)
DECIMALS = st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=4,
                                  min_value=Decimal("-1e9"), max_value=Decimal("1e9"))


@st.composite
def plans_varied(draw: st.DrawFn) -> Plan:
    base = make_plan()
    first, second = base.schemes
    metric = base.metrics[1]
    return replace(
        base,
        narrative=draw(TEXT),
        notes=tuple(draw(st.lists(TEXT, max_size=3))),
        schemes=(replace(first, name=draw(TEXT), amount=Money(draw(PENCE))),
                 replace(second, provider=draw(TEXT), new=draw(st.booleans()))),
        metrics=(base.metrics[0],
                 replace(metric, baseline=draw(DECIMALS), planned=tuple(draw(st.lists(DECIMALS, max_size=4)))),
                 base.metrics[2]),
        illustrative=draw(st.booleans()),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans_varied())
def test_any_plan_round_trips_exactly(store: Store, plan: Plan) -> None:
    with store.transaction() as session:
        written = plans.add_version(session, plan, "prop", T0)
    with store.transaction() as session:
        read = plans.get(session, plan.area_code, plan.year, version=written.version)
    assert read.plan == plan
    assert read == written
