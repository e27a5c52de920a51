"""The version keys of cached views, each as narrow as what the view shows (``store/versions.py``).

- ``area_version``: one area's plans, ledger and conditions (its page, its dashboard row);
- ``in_force_version``: the assurance events of a year (the plans in force, the evidence report).
"""

from __future__ import annotations

from carepool.errors import NotFound
from carepool.services import plans
from carepool.store import versions
from carepool.store.db import Store


def _codes(area: str, year: str) -> tuple[str, ...]:
    """The area's code and the code its plans are stored under in ``year`` (``plans.area_code_for``)."""
    try:
        stored = plans.area_code_for(area, year)
    except NotFound:
        return (area,)
    return (area,) if stored == area else (area, stored)


def area_version(store: Store, area: str, year: str) -> tuple[int, ...]:
    """Moves when anything an area's page shows may change (its plans, its pools' ledger, its conditions)."""
    with store.transaction() as session:
        return tuple(part for code in _codes(area, year) for part in versions.area_version(session, year, code))


def plan_versions(store: Store, year: str) -> dict[str, int]:
    """Area -> highest plan-event id of its plans for ``year``."""
    with store.transaction() as session:
        return versions.plan_versions(session, year)


def in_force_version(store: Store, year: str) -> int:
    """Moves when a version of ``year`` is assured, the only change to a plan in force."""
    with store.transaction() as session:
        return versions.assured_version(session, year)
