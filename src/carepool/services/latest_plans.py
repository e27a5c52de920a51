"""Every area's latest plan version for a year, kept per area and read again only where it moved.

The dashboard and the commissioning filters need every area's latest version (151 plan
documents to parse, about 80 ms). Each area's record is kept in the store's cache with that
area's highest plan-event id; a request reads the ids of all areas in one grouped query and
reads again only the areas whose id moved: after a draft for Rotherham, Rotherham's plan.
"""

from __future__ import annotations

from carepool.services import plans, view_keys
from carepool.store import plan_repo as repo
from carepool.store.db import Store
from carepool.store.plan_repo import PlanRecord

LATEST_CACHE = "plans.latest"   # (area, year) -> record; ``computed`` counts the areas read (tests)
BULK = 20                       # more areas than this to read: one query for them all


def latest_by_area(store: Store, year: str) -> dict[str, PlanRecord]:
    """Area -> its latest version for ``year`` (areas with a plan only), as the store holds it now."""
    moved = view_keys.plan_versions(store, year)
    cache = store.caches.named(LATEST_CACHE, max_entries=4096)
    stale = [code for code, version in moved.items() if cache.peek((code, year), version) is None]
    if len(stale) > BULK:
        for record in plans.list_plans(store, year):
            if record.area_code in moved:
                cache.put((record.area_code, year), moved[record.area_code], record)
    out: dict[str, PlanRecord] = {}
    for code, version in sorted(moved.items()):
        out[code] = cache.get((code, year), version, lambda c=code: _read(store, c, year))   # type: ignore[misc]
    return out


def _read(store: Store, code: str, year: str) -> PlanRecord:
    with store.transaction() as session:
        return repo.get(session, code, year)      # the code as stored (no geography mapping)
