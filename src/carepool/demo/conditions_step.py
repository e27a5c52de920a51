"""Demo: the conditions register through the year (illustrative; issue 12).

About 91 areas were approved subject to conditions in 2015-16 (see ``plans_step``); each gets its
condition in the register at assurance. Most are met with evidence before the year starts (the
conditional plans deadline, 9 January 2015); ``OPEN_AT_START`` areas still have theirs open when
contributions are posted, so the year's held money (the programme file's ``conditions_hold``)
is held; one of them meets its condition in July and the money is released; the others stay
open, and their money is still held at year end. Every step goes through the conditions service.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from carepool.ledger import accounts as acc
from carepool.services import conditions
from carepool.store import ledger_repo
from carepool.store.db import Store

OPEN_AT_START = 3
MET_BEFORE_YEAR = datetime(2015, 1, 9, 12, 0, tzinfo=UTC)
MET_IN_YEAR = datetime(2015, 7, 15, 12, 0, tzinfo=UTC)
EVIDENCE_BEFORE = "Conditional plan resubmitted and accepted by the regional assurance team (illustrative)"
EVIDENCE_IN_YEAR = "Signed agreement with the acute trust on the impact of the plan, board paper 14 July (illustrative)"


def meet_before_year(store: Store, year: str, seed: int, progress: Callable[[str], None]) -> list[str]:
    """Meet every open condition except those of ``OPEN_AT_START`` areas; returns the areas left open."""
    listed = conditions.listing(store, year, status="open")
    areas = sorted({a.area for a in listed})
    keep = sorted(random.Random(f"demo-conditions:{seed}").sample(areas, min(OPEN_AT_START, len(areas))))
    for a in listed:
        if a.area not in keep:
            conditions.meet(store, a.area, year, a.condition.id, EVIDENCE_BEFORE, actor="HWB chair", at=MET_BEFORE_YEAR)
    progress(f"conditions: {len(listed)} set at assurance; {len(listed) - len([x for x in listed if x.area in keep])} "
             f"met before the year; open in {', '.join(keep) or 'no area'}")
    return keep


def meet_in_year(store: Store, year: str) -> dict[str, Any]:
    """The first area still open meets its condition in July (its held money is released); the rest stay open."""
    still = conditions.listing(store, year, status="open")
    met = sorted({a.area for a in still})[:1]
    for a in still:
        if a.area in met:
            conditions.meet(store, a.area, year, a.condition.id, EVIDENCE_IN_YEAR, actor="pool manager",
                            at=MET_IN_YEAR)
    listed = conditions.listing(store, year)
    with store.transaction() as session:
        bal = ledger_repo.account_balances(session)
        txns = [t for t in ledger_repo.transactions(session) if t.kind == "condition_hold"]
    held = sum(v for (_, _, account), v in bal.items() if account == acc.HELD_FOR_CONDITIONS)
    return {
        "conditions_set": len(listed),
        "conditions_met": sum(1 for a in listed if a.condition.status.value == "met"),
        "conditions_open": sorted({a.area for a in listed if a.condition.status.value == "open"}),
        "conditions_met_in_year": met,
        "conditions_hold_postings": len(txns),
        "conditions_held_pence": held,
    }
