"""Programme years as a user sees them: the list with each year's status, one year's rules,
and two years side by side (streams, conditions, metrics, rules)."""

from __future__ import annotations

from typing import Any

from carepool.money import parse_money
from carepool.programme import available_programmes, load_programme
from carepool.programme.checks import streams_total, total_agrees
from carepool.programme.model import FundingStream, ProgrammeYear


def _money(amount: Any) -> str | None:
    return None if amount is None else str(amount.decimal)


def _stream(s: FundingStream) -> dict[str, Any]:
    return {
        "id": s.id, "name": s.name, "contributor": s.contributor, "recipient": s.recipient,
        "paid_by": s.paid_by, "capital": s.capital, "must_pool": s.must_pool, "status": s.status,
        "amounts": {label: _money(amount) for label, amount in s.amounts},
        "passed_to": s.passed_to, "source": s.source, "family": s.family or s.id,
    }


def summary(year: ProgrammeYear) -> dict[str, Any]:
    return {"id": year.id, "name": year.name, "plan_years": list(year.plan_years), "status": year.status,
            "facts_missing": list(year.facts_missing)}


def listing() -> list[dict[str, Any]]:
    """Every shipped year with its status: complete, or facts missing and which."""
    return [summary(load_programme(y)) for y in available_programmes()]


def describe(year_id: str) -> dict[str, Any]:
    """One year's rules as plain data (what `carepool programme show --json` prints)."""
    y = load_programme(year_id)
    total = streams_total(y)
    return {
        **summary(y),
        "period": {"start": y.start.isoformat(), "end": y.end.isoformat()},
        "vintage": y.vintage, "partner_kinds": list(y.partner_kinds), "plans_required": y.plans_required,
        "objectives": list(y.objectives),
        "national_minimum": {
            "amount": _money(y.national_minimum), "source": y.national_minimum_source,
            "rounded_to": _money(y.national_minimum_rounding) if y.national_minimum_rounding.pence else None,
            "at_least": y.national_minimum_at_least,
            "streams_total": _money(total), "streams_agree": total_agrees(y),
        },
        "streams": [_stream(s) for s in y.streams],
        "ring_fences": [{"id": f.id, "name": f.name, "amount": _money(f.national_amount)} for f in y.ring_fences],
        "conditions": [{"id": c.id, "title": c.title} for c in y.conditions],
        "metrics": [{"id": m.code, "name": m.name, "carries_money": m.carries_money, "status": m.status}
                    for m in y.metrics],
        "payment_rule": y.performance.scheme,
        "capacity_and_demand": y.capacity_and_demand,
        "assurance_outcomes": list(y.assurance_outcomes),
        "required_signoffs": list(y.required_signoffs),
        "signatories": list(y.signatories), "signatories_delegable": y.signatories_delegable,
        "deadlines": {k: v.isoformat() for k, v in y.deadlines},
        "gaps": [{"fact": g.fact, "note": g.note} for g in y.gaps],
        "sources": [{"key": s.key, "title": s.title, "url": s.url} for s in y.sources],
    }


def _side_by_side(a: list[dict[str, Any]], b: list[dict[str, Any]], key: str, label: str) -> list[dict[str, Any]]:
    """Rows keyed by ``key`` present in either year, in first-seen order."""
    left: dict[str, dict[str, Any]] = {}
    for item in a:
        left.setdefault(item[key], item)
    right: dict[str, dict[str, Any]] = {}
    for item in b:
        right.setdefault(item[key], item)
    order = list(left) + [k for k in right if k not in left]
    return [{key: k, "a": left.get(k, {}).get(label), "b": right.get(k, {}).get(label),
             "change": "added" if k not in left else "removed" if k not in right else
             "same" if left[k].get(label) == right[k].get(label) else "changed"} for k in order]


def compare(year_a: str, year_b: str) -> dict[str, Any]:
    """Two years side by side: how the fund changed between them."""
    a, b = describe(year_a), describe(year_b)

    def stream_line(s: dict[str, Any]) -> str:
        amounts = ", ".join(f"{k}: {parse_money(v).millions() if v else s['status']}"
                            for k, v in s["amounts"].items())
        return f"{s['name']} ({s['contributor']}{', capital' if s['capital'] else ''}) {amounts}".strip()

    for side in (a, b):
        for s in side["streams"]:
            s["line"] = stream_line(s)
    rules = ["plan_years", "vintage", "partner_kinds", "payment_rule", "capacity_and_demand", "plans_required",
             "assurance_outcomes", "required_signoffs", "signatories", "signatories_delegable", "status"]
    return {
        "a": summary(load_programme(year_a)), "b": summary(load_programme(year_b)),
        "national_minimum": {"a": a["national_minimum"]["amount"], "b": b["national_minimum"]["amount"]},
        "streams": _side_by_side(a["streams"], b["streams"], "family", "line"),
        "conditions": _side_by_side(a["conditions"], b["conditions"], "id", "title"),
        "metrics": _side_by_side(a["metrics"], b["metrics"], "id", "name"),
        "rules": [{"rule": r, "a": a[r], "b": b[r], "change": "same" if a[r] == b[r] else "changed"}
                  for r in rules],
    }
