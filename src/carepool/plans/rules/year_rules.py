"""Rules only some years have: capacity and demand plans, and named signatories who may not delegate."""

from __future__ import annotations

from carepool.findings import Finding, error, warning
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext

# a signatory role -> (partner kind it signs for, words one of which its sign-off role must contain)
SIGNATORY_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "council_chief_executive": ("la", ("chief executive",)),
    "icb_chief_executive": ("icb", ("chief executive",)),
    "council_s151_officer": ("la", ("s151", "section 151", "s.151")),
}


def capacity_and_demand(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """Where the year asks for it: intermediate-care capacity and demand for every plan year."""
    out: list[Finding] = []
    if not ctx.year.capacity_and_demand:
        if plan.capacity:
            out.append(warning("CAPACITY-NOT-ASKED", f"{ctx.year.name} does not ask for capacity and demand "
                               "plans; the figures are kept but not checked", field="capacity"))
        return out
    for label in ctx.year.plan_years:
        if not any(c.plan_year == label for c in plan.capacity):
            out.append(error("CAPACITY-MISSING", f"{ctx.year.name} asks for intermediate-care capacity and "
                             f"demand plans: none for {label}", field="capacity"))
    for i, c in enumerate(plan.capacity):
        where = f"capacity[{i}]"
        if c.plan_year not in ctx.year.plan_years:
            out.append(error("CAPACITY-YEAR", f"'{c.plan_year}' is not a plan year of {ctx.year.name}",
                             field=f"{where}.plan_year"))
        if not c.service.strip():
            out.append(error("CAPACITY-SERVICE", "name the service", field=f"{where}.service"))
        for name, value in (("demand", c.demand), ("capacity", c.capacity)):
            if value < 0:
                out.append(error("CAPACITY-RANGE", f"{name} cannot be negative", field=f"{where}.{name}"))
        if c.capacity < c.demand:
            out.append(warning("CAPACITY-GAP", f"{c.service} {c.plan_year}: capacity {c.capacity} is below "
                               f"demand {c.demand}; say how the gap is met", field=f"{where}.capacity"))
    return out


def named_signatories(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """2025-26: each council and ICB's chief executive and the council's s151 officer sign (no delegation)."""
    if ctx.stage != "submission" or not ctx.year.signatories:
        return []
    out: list[Finding] = []
    for role in ctx.year.signatories:
        kind, words = SIGNATORY_ROLES.get(role, ("", ()))
        for p in plan.partners_of_kind(kind):
            signed = [s for s in plan.signoffs if s.partner == p.code and s.name.strip()
                      and any(w in s.role.lower() for w in words)]
            if not signed:
                delegation = "" if ctx.year.signatories_delegable else " (this cannot be delegated)"
                out.append(error("SIGNATORY", f"{p.name}: the {role.replace('_', ' ')} has not signed{delegation}",
                                 field="signoffs"))
    return out


RULES: tuple[Rule, ...] = (capacity_and_demand, named_signatories)


def signatory_roles(year_signatories: tuple[str, ...] | list[str], partner_kind: str) -> tuple[str, ...]:
    """The year's named signatory roles that sign for a partner of ``partner_kind`` (council: chief
    executive and s151 officer in 2025-26; ICB: chief executive); empty where the year names none."""
    return tuple(r for r in year_signatories if SIGNATORY_ROLES.get(r, ("", ()))[0] == partner_kind)


def role_label(role: str) -> str:
    """'council_s151_officer' -> 'council s151 officer'."""
    return role.replace("_", " ")


def partner_signatories(plan: Plan, year_signatories: tuple[str, ...] | list[str], partner: str,
                        named: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """Who signs for ``partner``: (the words kept with its sign-off, the roles nobody is named for).

    A name given now (``named``: role -> name) wins; otherwise a sign-off the plan already
    records for that partner and role (the workbook's sign-off sheet) counts.
    """
    kind = next((p.kind for p in plan.partners if p.code == partner), "")
    kept: list[str] = []
    missing: list[str] = []
    for role in signatory_roles(year_signatories, kind):
        words = SIGNATORY_ROLES[role][1]
        name = (named.get(role) or "").strip() or next(
            (s.name.strip() for s in plan.signoffs if s.partner == partner and s.name.strip()
             and any(w in s.role.lower() for w in words)), "")
        if name:
            kept.append(f"{role_label(role)}: {name}")
        else:
            missing.append(role)
    return "; ".join(kept), tuple(missing)
