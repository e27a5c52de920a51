"""Who bears an overspend of a pool under each local risk-share rule (domain reference s.5).

Rules: fixed 50/50 between the CCG side and the council; in proportion to contributions; or
borne by the lead commissioner. Within the CCG side, CCGs share by what they put in. Every
split is largest remainder, so the parts add up exactly to the money at risk.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

from carepool.money import Money, apportion
from carepool.scenarios.pools import AreaPool


class RiskRule(StrEnum):
    FIFTY_FIFTY = "fixed-50-50"
    PROPORTIONAL = "proportional"
    LEAD = "lead-commissioner"


def at_risk(pool: AreaPool, overspend: Fraction) -> Money:
    """The stress-test overspend: a share of the pool (floor to the penny)."""
    return Money(int(pool.total.pence * overspend))


def lead_side(pool: AreaPool, lead: str) -> str:
    if lead in ("ccg", "la"):
        return lead
    return "ccg" if pool.ccg_total >= pool.la else "la"


def share_risk(pool: AreaPool, amount: Money, rule: RiskRule, lead: str = "larger") -> dict[str, Money]:
    """Each partner's part of ``amount`` (CCG codes, and the area code for the council)."""
    ccgs = sorted(c for c, m in pool.ccg.items() if m.pence > 0)
    if rule is RiskRule.PROPORTIONAL:
        weights = [pool.ccg[c].pence for c in ccgs] + [pool.la.pence]
        if sum(weights) == 0:
            return {pool.area_code: amount}
        parts = apportion(amount, weights)
        return {**dict(zip(ccgs, parts[:-1], strict=True)), pool.area_code: parts[-1]}
    if rule is RiskRule.FIFTY_FIFTY:
        ccg_side, la_side = apportion(amount, [1, 1]) if ccgs else (Money(0), amount)
    else:
        ccg_side, la_side = (amount, Money(0)) if lead_side(pool, lead) == "ccg" and ccgs else (Money(0), amount)
    out = {pool.area_code: la_side}
    if ccgs:
        out.update(zip(ccgs, apportion(ccg_side, [pool.ccg[c].pence for c in ccgs]), strict=True))
    return out
