"""Plan <-> JSON-safe dict, exact: money as pence, decimals as strings, dates ISO.

The store keeps plans in this form and the round trip is lossless (tested).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from carepool.errors import InputError
from carepool.money import Money
from carepool.plans.model import (
    DEFAULT_GOVERNANCE,
    DEFAULT_MODEL,
    Ambition,
    CapacityLine,
    ConditionConfirmation,
    FundingLine,
    MetricPlan,
    Partner,
    Plan,
    Pool,
    Scheme,
    SignOff,
)

FORMAT_VERSION = 1


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    a = plan.ambition
    return {
        "format": FORMAT_VERSION,
        "area_code": plan.area_code,
        "year": plan.year,
        "illustrative": plan.illustrative,
        "narrative": plan.narrative,
        "notes": list(plan.notes),
        "partners": [{"code": p.code, "name": p.name, "kind": p.kind} for p in plan.partners],
        "pools": [
            {"id": p.id, "name": p.name, "host": p.host, "manager": p.manager, "model": p.model,
             "governance": p.governance}
            for p in plan.pools
        ],
        "funding": [
            {"contributor": f.contributor, "stream": f.stream, "pool": f.pool,
             "amount_pence": f.amount.pence, **({"plan_year": f.plan_year} if f.plan_year else {})}
            for f in plan.funding
        ],
        "schemes": [
            {"ref": s.ref, "name": s.name, "scheme_type": s.scheme_type,
             "area_of_spend": s.area_of_spend, "commissioner": s.commissioner,
             "provider": s.provider, "source": s.source, "pool": s.pool,
             "amount_pence": s.amount.pence, "new": s.new,
             **({"amounts": [{"plan_year": y, "amount_pence": m.pence} for y, m in s.amounts]}
                if s.amounts else {})}
            for s in plan.schemes
        ],
        "metrics": [
            {"code": m.code, "baseline": _dec(m.baseline), "planned": [_dec(v) for v in m.planned],
             "baseline_period": m.baseline_period, "local_name": m.local_name}
            for m in plan.metrics
        ],
        "ambition": {
            "baseline_admissions": a.baseline_admissions,
            "baseline_quarters": list(a.baseline_quarters),
            "planned_reduction": a.planned_reduction,
            "planned_quarters": list(a.planned_quarters),
            "performance_sum_pence": a.performance_sum.pence,
            "delayed_days_baseline": a.delayed_days_baseline,
            "delayed_days_reduction": a.delayed_days_reduction,
        },
        "conditions": [
            {"id": c.id, "confirmed": c.confirmed, "narrative": c.narrative} for c in plan.conditions
        ],
        "signoffs": [
            {"partner": s.partner, "name": s.name, "role": s.role, "on": s.on.isoformat()}
            for s in plan.signoffs
        ],
        **({"capacity": [{"service": c.service, "plan_year": c.plan_year, "demand": c.demand,
                          "capacity": c.capacity} for c in plan.capacity]} if plan.capacity else {}),
    }


def plan_from_dict(data: dict[str, Any]) -> Plan:
    try:
        a = data["ambition"]
        return Plan(
            area_code=data["area_code"],
            year=data["year"],
            illustrative=bool(data.get("illustrative", False)),
            narrative=data.get("narrative", ""),
            notes=tuple(data.get("notes", ())),
            partners=tuple(Partner(p["code"], p["name"], p["kind"]) for p in data["partners"]),
            pools=tuple(
                Pool(p["id"], p["name"], p["host"], p["manager"],
                     p.get("model", DEFAULT_MODEL), p.get("governance", DEFAULT_GOVERNANCE))
                for p in data["pools"]
            ),
            funding=tuple(
                FundingLine(f["contributor"], f["stream"], f["pool"], Money(int(f["amount_pence"])),
                            str(f.get("plan_year", "")))
                for f in data["funding"]
            ),
            schemes=tuple(
                Scheme(
                    ref=s["ref"], name=s["name"], scheme_type=s["scheme_type"],
                    area_of_spend=s["area_of_spend"], commissioner=s["commissioner"],
                    provider=s["provider"], source=s["source"], pool=s["pool"],
                    amount=Money(int(s["amount_pence"])), new=bool(s["new"]),
                    amounts=tuple((str(a["plan_year"]), Money(int(a["amount_pence"])))
                                  for a in s.get("amounts", ())),
                )
                for s in data["schemes"]
            ),
            metrics=tuple(
                MetricPlan(
                    code=m["code"], baseline=_undec(m["baseline"]),
                    planned=tuple(_undec(v) for v in m["planned"]),
                    baseline_period=m.get("baseline_period", ""),
                    local_name=m.get("local_name", ""),
                )
                for m in data["metrics"]
            ),
            ambition=Ambition(
                baseline_admissions=int(a["baseline_admissions"]),
                baseline_quarters=tuple(int(v) for v in a["baseline_quarters"]),
                planned_reduction=int(a["planned_reduction"]),
                planned_quarters=tuple(int(v) for v in a["planned_quarters"]),
                performance_sum=Money(int(a["performance_sum_pence"])),
                delayed_days_baseline=int(a.get("delayed_days_baseline", 0)),
                delayed_days_reduction=int(a.get("delayed_days_reduction", 0)),
            ),
            conditions=tuple(
                ConditionConfirmation(c["id"], c["confirmed"], c.get("narrative", ""))
                for c in data["conditions"]
            ),
            signoffs=tuple(
                SignOff(s["partner"], s["name"], s["role"], date.fromisoformat(s["on"]))
                for s in data.get("signoffs", ())
            ),
            capacity=tuple(
                CapacityLine(str(c["service"]), str(c["plan_year"]), int(c["demand"]), int(c["capacity"]))
                for c in data.get("capacity", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"not a carepool plan document: {exc!r}") from exc
