"""The national dashboard's rows: every HWB area's plan status, pool and money so far.

Figures come from the same services the CLI uses (``list_plans``, ``trial_balance``); this
module only lines them up per area, filters to what the user may see, and sorts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from carepool.errors import InputError
from carepool.ledger import accounts
from carepool.reference import load_reference
from carepool.services import ledger, plans
from carepool.services.users import User
from carepool.store.db import Store

NO_PLAN = "no plan"
SORTS = ("code", "name", "region", "status", "pooled", "spend", "earned", "paid_to_acute")
COLUMNS = ("code", "name", "region", "status", "version", "pooled", "spend", "earned", "paid_to_acute")


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    region: str
    status: str
    version: int | None
    pooled: int          # pence
    spend: int
    earned: int          # performance sum earned and released to the pool
    paid_to_acute: int   # performance sum paid to hospitals for admissions not avoided

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _money_by_area(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in ledger.trial_balance(store).lines:
        net = line.debit - line.credit
        if line.account.startswith("Expenses:Schemes:"):
            key = "spend"
        elif line.account == accounts.RELEASED:
            key = "earned"
        elif line.account == accounts.PAID_TO_ACUTE:
            key = "paid_to_acute"
        else:
            continue
        sums = out.setdefault(line.area, {})
        sums[key] = sums.get(key, 0) + net
    return out


def area_rows(store: Store, user: User, year: str) -> list[AreaRow]:
    """One row per area the user may see, in area-code order."""
    latest = {r.area_code: r for r in plans.list_plans(store, year)}
    money = _money_by_area(store)
    rows: list[AreaRow] = []
    for code, area in sorted(load_reference().areas.items()):
        if not user.can_see(code):
            continue
        record = latest.get(code)
        sums = money.get(code, {})
        rows.append(AreaRow(
            code, area.name, area.region_name,
            record.status.value if record else NO_PLAN, record.version if record else None,
            record.plan.pooled_total.pence if record else 0,
            sums.get("spend", 0), sums.get("earned", 0), sums.get("paid_to_acute", 0)))
    return rows


def select_rows(rows: list[AreaRow], *, status: str | None = None, q: str | None = None,
                sort: str = "code", order: str = "asc") -> list[AreaRow]:
    """Filter by status and name/code text, then sort; unknown sort keys are an InputError."""
    if sort not in SORTS:
        raise InputError(f"cannot sort by '{sort}'; one of {', '.join(SORTS)}", where="sort")
    if order not in ("asc", "desc"):
        raise InputError("order is 'asc' or 'desc'", where="order")
    chosen = [r for r in rows if (not status or r.status == status)
              and (not q or q.lower() in r.name.lower() or q.upper() == r.code)]
    return sorted(chosen, key=lambda r: (getattr(r, sort), r.code), reverse=order == "desc")
