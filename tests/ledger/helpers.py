"""Put plans into a store as assured (straight through the plan repository and lifecycle)."""

from __future__ import annotations

from datetime import UTC, datetime

from carepool.money import Money
from carepool.plans import lifecycle
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.store import plan_repo as plan_repo
from carepool.store.db import Store

AT = datetime(2015, 3, 1, 9, 0, tzinfo=UTC)
AREAS = ("E08000018", "E06000001")


def store_assured(store: Store, plan: Plan, outcome: str = "approved", conditions: str = "") -> None:
    with store.transaction() as session:
        record = plan_repo.add_version(session, plan, "test", AT)
        required = {p.code for p in plan.partners if p.kind in ("la", "ccg")}
        for partner in sorted(required):
            state = plan_repo.state(session, record)
            record = plan_repo.append_event(session, record,
                                            lifecycle.sign_off_partner(state, partner, required, "test", AT))
        for step in (lifecycle.sign_off_hwb, lifecycle.submit):
            record = plan_repo.append_event(session, record, step(plan_repo.state(session, record), "test", AT))
        year = load_programme(plan.year)
        plan_repo.append_event(session, record, lifecycle.assure(
            plan_repo.state(session, record), outcome, year.assurance_outcomes, "test", AT, conditions))


def sample(area: str, seed: int = 5, year: str = "bcf-2015-16") -> Plan:
    return synthetic_plan(area, load_programme(year), load_reference(), seed=seed, second_pool=True,
                       local_topup=Money(2_000_000))


def assured_store(store: Store, areas: tuple[str, ...] = AREAS) -> dict[str, Plan]:
    plans = {a: sample(a) for a in areas}
    for plan in plans.values():
        store_assured(store, plan)
    return plans
