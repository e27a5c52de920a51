"""Who the partners are, which pools exist, and whether every code is known."""

from __future__ import annotations

from carepool.cell_text import is_code
from carepool.findings import Finding, error, warning
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext
from carepool.plans.rules.partners_2023 import council_and_board_named, listed_twice, partners_2023
from carepool.reference.geography import SHIPPED_VINTAGES
from carepool.reference.load_geography import geography


def _later(code: str, vintage: str) -> str:
    """'; ... the area was X' when the code is a successor of an area of the vintage, else ''."""
    known = geography(vintage)
    return f"; {known.explain(code)}" if code in known.later_codes else ""


def area_and_year(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    if ctx.year.vintage == "2015" and plan.area_code not in ctx.ref.areas:
        out.append(error("AREA-KNOWN", f"'{plan.area_code}' is not a Health and Wellbeing Board "
                         "area code (use the ONS code of the upper-tier authority, e.g. E08000025)"
                         + _later(plan.area_code, "2015"), field="area_code"))
    elif ctx.year.vintage != "2015":
        vintage = ctx.year.vintage if ctx.year.vintage in SHIPPED_VINTAGES else "2023"
        if not geography(vintage).knows(plan.area_code):
            out.append(error("AREA-KNOWN", f"{ctx.year.name}: {geography(vintage).explain(plan.area_code)}",
                             field="area_code"))
    if plan.year != ctx.year.id:
        out.append(error("YEAR-MATCH", f"plan is for '{plan.year}' but is being checked against "
                         f"'{ctx.year.id}'", field="year"))
    return out


def partners(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.year.vintage == "2023":
        return partners_2023(plan, ctx)
    out: list[Finding] = []
    twice = listed_twice(plan)
    ccgs = ctx.ref.ccgs_for_year(ctx.year.start.isoformat())
    for i, p in enumerate(plan.partners):
        where = f"partners[{i}]"
        if i in twice:
            out.append(twice[i])
        if p.kind == "ccg":
            if p.code not in ccgs:
                out.append(error("CCG-KNOWN", f"'{p.code}' is not a CCG in {ctx.year.name} "
                                 f"({len(ccgs)} CCGs in force)", field=f"{where}.code"))
            elif ctx.minimums is not None and p.code not in ctx.minimums.by_ccg:
                out.append(warning("CCG-SERVES-AREA", f"CCG {p.code} serves no part of this area's "
                                   "population", field=f"{where}.code"))
        elif p.kind == "la":
            if p.code != plan.area_code and ctx.ref.utla_to_area.get(p.code) != plan.area_code:
                out.append(error("LA-MATCH", f"local authority '{p.code}' is not the authority of area "
                                 f"{plan.area_code}", field=f"{where}.code"))
        elif p.kind != "hwb":
            out.append(error("PARTNER-KIND", f"partner kind '{p.kind}' must be ccg, la or hwb",
                             field=f"{where}.kind"))
    out += council_and_board_named(plan, "local authority")
    if ctx.minimums is not None:
        for code in sorted(ctx.minimums.by_ccg):
            if code not in {p.code for p in plan.partners}:
                out.append(error("CCG-PRESENT", f"CCG {code} must contribute "
                                 f"{ctx.minimums.ccg_total(code)} (derived minimum) but is not a partner",
                                 field="partners"))
    return out


def pools(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    if not plan.pools:
        out.append(error("POOL-PRESENT", "the plan has no Section 75 pool", field="pools"))
    ids: set[str] = set()
    for i, pool in enumerate(plan.pools):
        where = f"pools[{i}]"
        if not is_code(pool.id):
            out.append(error("POOL-ID", f"pool id {pool.id!r} is not a code: up to 40 letters, digits, spaces "
                             "and . / _ -, starting with a letter or digit", field=f"{where}.id"))
        if pool.id in ids:
            out.append(error("POOL-UNIQUE", f"pool id '{pool.id}' is used twice", field=f"{where}.id"))
        ids.add(pool.id)
        host = plan.partner(pool.host)
        if host is None or host.kind not in ("la", "ccg", "icb"):
            out.append(error("POOL-HOST", f"pool {pool.id}'s host '{pool.host}' must be the local "
                             "authority or a CCG partner", field=f"{where}.host"))
        if not pool.manager.strip():
            out.append(error("POOL-MANAGER", f"pool {pool.id} names no pool manager",
                             field=f"{where}.manager"))
        if ctx.year.commissioning_models and pool.model not in ctx.year.commissioning_models:
            out.append(error("POOL-MODEL", f"pool {pool.id}: '{pool.model}' is not a commissioning model of "
                             f"{ctx.year.name} (choose from the list)", field=f"{where}.model"))
        if ctx.year.governance_forms and pool.governance not in ctx.year.governance_forms:
            out.append(error("POOL-GOVERNANCE", f"pool {pool.id}: '{pool.governance}' is not a form of "
                             "governance the programme lists", field=f"{where}.governance"))
        if not pool.name.strip():
            out.append(error("POOL-NAME", f"pool {pool.id} has no name", field=f"{where}.name"))
    return out


RULES: tuple[Rule, ...] = (area_and_year, partners, pools)
