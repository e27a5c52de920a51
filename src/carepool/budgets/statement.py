"""A person's budget statement and a dataset summary: plain dicts ready for a table or JSON."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from carepool.budgets.dataset import Dataset
from carepool.budgets.model import Funder
from carepool.budgets.payments import recovery_due
from carepool.budgets.spend import Thresholds, check_spend, spend_alerts, spent_to_date
from carepool.errors import NotFound
from carepool.money import Money, total

ILLUSTRATIVE = "illustrative: generated people and figures, not real individuals or published data"


def statement(data: Dataset, person_id: str, as_of: date | None = None,
              thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
    """Budget by funder, paid, spent, the plan lines and every version (who, when, why)."""
    account = data.accounts.get(person_id)
    if account is None:
        raise NotFound(f"no person '{person_id}' in this cohort")
    person = next(p for p in data.people if p.id == person_id)
    budget = account.budget
    when = as_of or data.year_end
    spent = spent_to_date(data.spend, person_id, when)
    alert = check_spend(budget, spent, when, thresholds)
    return {
        "person_id": person_id, "cohort": person.cohort, "area_code": budget.area_code, "route": budget.route.value,
        "payee": budget.payee, "as_of": when.isoformat(),
        "budget": {f.value: budget.element(f).plain() for f in Funder} | {"total": budget.total.plain()},
        "paid": {f.value: account.paid_by(f).plain() for f in Funder}
        | {"total": total(p.amount for p in account.paid).plain()},
        "authorised_extra": {f.value: account.authorised_extra(f).plain()
                             for f in Funder if account.authorised_extra(f)},
        "recovery_due": {f.value: m.plain() for f, m in recovery_due(account).items()},
        "spent": spent.plain(),
        "alert": None if alert is None else {"kind": alert.kind.value, "expected": alert.expected.plain(),
                                             "variance_pct": str(alert.variance_pct)},
        "lines": [{"ref": line.ref, "description": line.description, "need": line.need, "rule": line.rule,
                   "cost": line.cost.plain(), **{f.value: line.amount_for(f).plain() for f in Funder}}
                  for line in budget.lines],
        "versions": [{"version": v.number, "by": v.by, "at": v.at.isoformat(), "reason": v.reason,
                      "total": v.budget.total.plain()} for v in account.history.versions],
        "note": ILLUSTRATIVE,
    }


def summary(data: Dataset, as_of: date | None = None, thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
    """People by cohort and area, budget, paid and spend totals, alerts: all illustrative."""
    when = as_of or data.year_end
    budgets = data.budgets
    alerts = spend_alerts(budgets, data.spend, when, thresholds)
    paid = data.payments
    by_funder = {f.value: total(b.element(f) for b in budgets) for f in Funder}
    return {
        "people": len(data.people),
        "people_by_cohort": dict(sorted(Counter(p.cohort for p in data.people).items())),
        "people_by_area": dict(sorted(Counter(p.area_code for p in data.people).items())),
        "budget_total_pence": total(b.total for b in budgets).pence,
        "budget_by_funder_pence": {k: v.pence for k, v in by_funder.items()},
        "paid_total_pence": total(p.amount for p in paid).pence,
        "paid_by_route_pence": {r: total(p.amount for p in paid if p.route.value == r).pence
                                for r in sorted({p.route.value for p in paid})},
        "spent_total_pence": total(s.amount for s in data.spend if s.on <= when).pence,
        "payments": len(paid),
        "reviews": sum(len(a.history.versions) - 1 for a in data.accounts.values()),
        "authorisations": sum(len(a.authorisations) for a in data.accounts.values()),
        "alerts": dict(sorted(Counter(a.kind.value for a in alerts).items())),
        "as_of": when.isoformat(),
        "illustrative": True,
        "note": ILLUSTRATIVE,
    }


def money_text(pence: int) -> str:
    return str(Money(pence))
