"""Which of a year's streams a published allocation binds (by stream family, or the whole NHS minimum)."""

from __future__ import annotations

from carepool.money import Money
from carepool.programme.minimums import AreaMinimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.allocations import NHS_MINIMUM_TOTAL, PublishedAllocation, load_allocations


def streams_bound(allocation: PublishedAllocation, year: ProgrammeYear) -> list[str]:
    """Stream ids whose lines from the partner must add up to at least the published amount."""
    if allocation.stream == NHS_MINIMUM_TOTAL:
        return [s.id for s in year.streams if s.must_pool and s.contributor in ("ccg", "icb")]
    return [s.id for s in year.streams if (s.family or s.id) == allocation.stream]


def published_uplift(year: ProgrammeYear, minimums: dict[str, AreaMinimums]) -> Money:
    """How much the published allocations add nationally over the derived minimums they replace.

    A plan meets a partner's published figure where it is above the derived one (the synthetic
    plans do), so national totals built from derived minimums must add this to stay exact.
    """
    pence = 0
    for a in load_allocations(year.id):
        area = minimums.get(a.area_code)
        if area is None or a.plan_year not in year.plan_years:
            continue
        bound = streams_bound(a, year)
        per_stream = area.by_ccg.get(a.partner_code, {}) if a.partner_kind in ("ccg", "icb") else \
            (area.by_la if a.partner_code == a.area_code else {})
        derived = sum(per_stream.get(s, Money(0)).pence for s in bound)
        if per_stream and any(s in per_stream for s in bound):
            pence += max(0, a.amount.pence - derived)
    return Money(pence)
