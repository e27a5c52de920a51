"""Joint commissioning models: which model and governance form each area's pools declare, and
who uses which (areas per model, areas per governance form).

Read from the latest stored plan of each area (``Pool.model`` and ``Pool.governance``, from the
programme year's lists). An area with several pools may use several models; it counts once
under each. Kept per store until a plan changes (the plan-event id moves).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from carepool.programme import load_programme
from carepool.services import dashboard, latest_plans
from carepool.store.db import Store

NO_PLAN = "no plan"


@dataclass(frozen=True)
class AreaModels:
    area_code: str
    models: tuple[str, ...]          # distinct, in pool order
    governance: tuple[str, ...]

    def uses(self, model: str | None = None, governance: str | None = None) -> bool:
        return (not model or model in self.models) and (not governance or governance in self.governance)


@dataclass(frozen=True)
class Usage:
    """Who uses which: areas per model and per governance form (programme order, then others)."""

    models: dict[str, int]
    governance: dict[str, int]
    without_plan: int


def _compute(store: Store, year: str) -> dict[str, AreaModels]:
    out: dict[str, AreaModels] = {}
    for record in latest_plans.latest_by_area(store, year).values():
        pools = record.plan.pools
        out[record.area_code] = AreaModels(record.area_code, tuple(dict.fromkeys(p.model for p in pools)),
                                           tuple(dict.fromkeys(p.governance for p in pools)))
    return out


def area_models(store: Store, year: str) -> dict[str, AreaModels]:
    """Every area with a plan for ``year`` -> its pools' models and governance (the same object until plans change)."""
    events = dashboard.store_version(store)[0]
    return store.caches.named("commissioning.area_models").get(year, events, lambda: _compute(store, year))


def usage(areas: Iterable[str], models: dict[str, AreaModels], year: str) -> Usage:
    """How many of ``areas`` use each model and governance form (every listed form, even at 0)."""
    programme = load_programme(year)
    by_model: dict[str, int] = dict.fromkeys(programme.commissioning_models, 0)
    by_governance: dict[str, int] = dict.fromkeys(programme.governance_forms, 0)
    without = 0
    for code in areas:
        found = models.get(code)
        if found is None:
            without += 1
            continue
        for m in found.models:
            by_model[m] = by_model.get(m, 0) + 1
        for g in found.governance:
            by_governance[g] = by_governance.get(g, 0) + 1
    return Usage(by_model, by_governance, without)


def choices(year: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The programme year's commissioning models and governance forms (for filters)."""
    programme = load_programme(year)
    return programme.commissioning_models, programme.governance_forms
