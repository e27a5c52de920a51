"""Compare two pooling pictures: pool sizes per area and nationally, money at risk under each
risk-share rule, and what changes for each partner. Plain dicts (pence as int) for tables,
JSON and charts; every per-area and per-partner figure is derived and labelled so.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from carepool.money import Money, total
from carepool.reference.model import ReferenceData
from carepool.scenarios.pools import DERIVED, AreaPool, PoolPicture
from carepool.scenarios.riskshare import RiskRule, at_risk, share_risk

DEFAULT_OVERSPEND = Fraction(2, 100)


def compare(base: PoolPicture, other: PoolPicture, ref: ReferenceData) -> dict[str, Any]:
    overspend = other.overspend_pct if other.overspend_pct is not None else (
        base.overspend_pct if base.overspend_pct is not None else DEFAULT_OVERSPEND)
    lead = other.lead or base.lead or "larger"
    areas: list[dict[str, Any]] = []
    partner_base: dict[str, int] = {}
    partner_other: dict[str, int] = {}
    partner_risk: dict[str, dict[str, int]] = {}
    national_risk = {side: {r.value: 0 for r in RiskRule} for side in ("base", "other")}
    for code in sorted(set(base.areas) | set(other.areas)):
        b = base.areas.get(code, AreaPool(code, {}, Money(0)))
        o = other.areas.get(code, AreaPool(code, {}, Money(0)))
        row: dict[str, Any] = {
            "area_code": code, "area_name": ref.areas[code].name if code in ref.areas else code,
            "base_pence": b.total.pence, "other_pence": o.total.pence, "change_pence": o.total.pence - b.total.pence,
            "base_ccg_pence": b.ccg_total.pence, "base_la_pence": b.la.pence,
            "other_ccg_pence": o.ccg_total.pence, "other_la_pence": o.la.pence,
            "at_risk_base_pence": at_risk(b, overspend).pence, "at_risk_other_pence": at_risk(o, overspend).pence,
            "risk": {},
            "partners": _area_partners(code, b, o),
        }
        for side, pool in (("base", b), ("other", o)):
            amount = at_risk(pool, overspend)
            for rule in RiskRule:
                parts = share_risk(pool, amount, rule, lead)
                la_part = parts.get(code, Money(0)).pence
                row["risk"].setdefault(side, {})[rule.value] = {"ccg_pence": amount.pence - la_part,
                                                                "la_pence": la_part}
                national_risk[side][rule.value] += amount.pence
                if side == "other":
                    for partner, part in parts.items():
                        partner_risk.setdefault(partner, {}).setdefault(rule.value, 0)
                        partner_risk[partner][rule.value] += part.pence
        for pool, into in ((b, partner_base), (o, partner_other)):
            for partner, money in [*pool.ccg.items(), (code, pool.la)]:
                into[partner] = into.get(partner, 0) + money.pence
        areas.append(row)
    partners = []
    for partner in sorted(set(partner_base) | set(partner_other)):
        kind = "la" if partner in ref.areas else "ccg"
        name = ref.areas[partner].name + " Council" if kind == "la" else _ccg_name(partner, ref)
        partners.append({"partner": partner, "kind": kind, "name": name,
                         "base_pence": partner_base.get(partner, 0), "other_pence": partner_other.get(partner, 0),
                         "change_pence": partner_other.get(partner, 0) - partner_base.get(partner, 0),
                         "at_risk_other_pence": partner_risk.get(partner, {})})
    return {
        "base": {"id": base.id, "name": base.name, "national_pence": base.national.pence,
                 "sources": list(base.sources), "performance_at_risk_pence":
                 None if base.performance_at_risk is None else base.performance_at_risk.pence,
                 "caveats": list(base.caveats), "unverified_totals": list(base.unverified),
                 "totals": _totals(base)},
        "other": {"id": other.id, "name": other.name, "national_pence": other.national.pence,
                  "sources": list(other.sources), "caveats": list(other.caveats),
                  "unverified_totals": list(other.unverified), "totals": _totals(other)},
        "national": {"base_pence": base.national.pence, "other_pence": other.national.pence,
                     "change_pence": other.national.pence - base.national.pence,
                     "ccg_base_pence": total(a.ccg_total for a in base.areas.values()).pence,
                     "la_base_pence": total(a.la for a in base.areas.values()).pence,
                     "ccg_other_pence": total(a.ccg_total for a in other.areas.values()).pence,
                     "la_other_pence": total(a.la for a in other.areas.values()).pence,
                     "at_risk_base_pence": sum(r["at_risk_base_pence"] for r in areas),
                     "at_risk_other_pence": sum(r["at_risk_other_pence"] for r in areas),
                     "risk_by_rule": _national_split(areas)},
        "overspend_pct": str(float(overspend * 100)),
        "lead": lead,
        "areas": areas,
        "partners": partners,
        "note": DERIVED + "; money at risk is a stress test (an ASSUMED overspend), not a forecast",
    }


def _totals(picture: PoolPicture) -> list[dict[str, Any]]:
    """The national totals a picture uses, each with its status in words ('unverified estimate')."""
    return [{"id": t.id, "name": t.name, "contributor": t.contributor, "amount_pence": t.amount.pence,
             "status": t.status, "status_label": t.label, "verified": t.verified, "source": t.source}
            for t in picture.totals]


def _area_partners(code: str, base: AreaPool, other: AreaPool) -> list[dict[str, Any]]:
    """What each partner of one area puts in under both pictures (the council is the area code)."""
    out: list[dict[str, Any]] = []
    for ccg in sorted(set(base.ccg) | set(other.ccg)):
        b, o = base.ccg.get(ccg, Money(0)).pence, other.ccg.get(ccg, Money(0)).pence
        out.append({"partner": ccg, "kind": "ccg", "base_pence": b, "other_pence": o, "change_pence": o - b})
    out.append({"partner": code, "kind": "la", "base_pence": base.la.pence, "other_pence": other.la.pence,
                "change_pence": other.la.pence - base.la.pence})
    return out


def _national_split(areas: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for side in ("base", "other"):
        for rule in RiskRule:
            ccg = sum(r["risk"][side][rule.value]["ccg_pence"] for r in areas)
            la = sum(r["risk"][side][rule.value]["la_pence"] for r in areas)
            out.setdefault(side, {})[rule.value] = {"ccg_pence": ccg, "la_pence": la}
    return out


def _ccg_name(code: str, ref: ReferenceData) -> str:
    try:
        return ref.ccg(code).name
    except Exception:
        return code
