"""Money out: schemes well-formed, adding up to each pool stream by stream, ring fences met."""

from __future__ import annotations

from carepool.cell_text import is_code
from carepool.findings import Finding, error, warning
from carepool.money import Money
from carepool.plans.model import Plan, Scheme
from carepool.plans.rules.context import Rule, RuleContext
from carepool.plans.rules.funding import amount_in_limits


def scheme_fields(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    y = ctx.year
    pools = {p.id for p in plan.pools}
    streams = set(y.stream_ids())
    refs: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, s in enumerate(plan.schemes):
        where = f"schemes[{i}]"
        if not s.ref.strip():
            out.append(error("SCHEME-REF", "scheme has no reference", field=f"{where}.ref"))
        elif not is_code(s.ref):
            out.append(error("SCHEME-REF", f"scheme reference {s.ref!r} is not a code: up to 40 letters, digits, "
                             "spaces and . / _ -, starting with a letter or digit", field=f"{where}.ref"))
        elif s.ref in refs:
            out.append(error("SCHEME-DUPLICATE", f"scheme reference '{s.ref}' is used twice "
                             f"(also schemes[{refs[s.ref]}])", field=f"{where}.ref"))
        refs.setdefault(s.ref, i)
        key = s.name.strip().lower()
        if not key:
            out.append(error("SCHEME-NAME", f"scheme {s.ref} has no name", field=f"{where}.name"))
        elif key in names:
            out.append(error("SCHEME-DUPLICATE", f"scheme name '{s.name}' is used twice "
                             f"(also schemes[{names[key]}])", field=f"{where}.name"))
        names.setdefault(key, i)
        checks = (
            ("scheme_type", s.scheme_type, y.scheme_types, "scheme type"),
            ("area_of_spend", s.area_of_spend, y.areas_of_spend, "area of spend"),
            ("commissioner", s.commissioner, y.commissioners, "commissioner"),
        )
        for attr, value, allowed, label in checks:
            if not allowed:   # the year's list is not in carepool's sources (a gap in its file)
                if not value.strip():
                    out.append(error("SCHEME-LIST", f"give the scheme's {label}", field=f"{where}.{attr}"))
            elif value not in allowed:
                out.append(error("SCHEME-LIST", f"'{value}' is not a {label} (choose from the list)",
                                 field=f"{where}.{attr}"))
        if s.source not in streams:
            out.append(error("SCHEME-SOURCE", f"'{s.source}' is not a funding stream", field=f"{where}.source"))
        if s.pool not in pools:
            out.append(error("SCHEME-POOL", f"pool '{s.pool}' does not exist", field=f"{where}.pool"))
        if not s.provider.strip():
            out.append(error("SCHEME-PROVIDER", f"scheme {s.ref} names no provider", field=f"{where}.provider"))
        out += amount_in_limits(s.amount, ctx, f"{where}.amount", f"scheme {s.ref}'s amount")
        out += _scheme_years(s, where, ctx)
    return out


def _scheme_years(s: Scheme, where: str, ctx: RuleContext) -> list[Finding]:
    """Two-year plans: a planned spend for each plan year, adding up to the scheme's amount."""
    years = ctx.year.plan_years
    if len(years) <= 1:
        if s.amounts:
            return [error("SCHEME-YEAR", f"{ctx.year.name} is a one-year plan: give scheme {s.ref} one amount, "
                          "not one per year", field=f"{where}.amounts")]
        return []
    out: list[Finding] = []
    seen: set[str] = set()
    for j, (label, amount) in enumerate(s.amounts):
        if label not in years:
            out.append(error("SCHEME-YEAR", f"'{label}' is not a plan year of {ctx.year.name} "
                             f"({', '.join(years)})", field=f"{where}.amounts[{j}]"))
        elif label in seen:
            out.append(error("SCHEME-YEAR", f"scheme {s.ref} gives {label} twice", field=f"{where}.amounts[{j}]"))
        seen.add(label)
        out += amount_in_limits(amount, ctx, f"{where}.amounts[{j}]", f"scheme {s.ref}'s {label} amount")
    missing = [y for y in years if y not in seen]
    if missing:
        out.append(error("SCHEME-YEAR", f"scheme {s.ref} needs its planned spend for each plan year: none for "
                         f"{', '.join(missing)}", field=f"{where}.amounts"))
    elif sum(m.pence for _, m in s.amounts) != s.amount.pence:
        out.append(error("SCHEME-YEAR-SUM", f"scheme {s.ref}: the plan years add up to "
                         f"{Money(sum(m.pence for _, m in s.amounts))}, not its amount {s.amount}",
                         field=f"{where}.amount"))
    return out


def schemes_add_up(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """Each pool's schemes spend exactly its income, and each stream exactly what it brought."""
    out: list[Finding] = []
    for pool in plan.pools:
        income = plan.pool_total(pool.id)
        spend = Money(sum(s.amount.pence for s in plan.schemes if s.pool == pool.id))
        if income != spend:
            gap = income - spend
            out.append(error(
                "SCHEMES-SUM",
                f"pool {pool.id}: schemes add up to {spend} but the pool receives {income} "
                f"({'unallocated' if gap.pence > 0 else 'over-allocated'}: {abs(gap)})",
                field=f"pools[{plan.pools.index(pool)}]",
            ))
        stream_ids = sorted({f.stream for f in plan.funding if f.pool == pool.id} |
                            {s.source for s in plan.schemes if s.pool == pool.id})
        for stream in stream_ids:
            brought = Money(sum(f.amount.pence for f in plan.funding if f.pool == pool.id and f.stream == stream))
            spent = Money(sum(s.amount.pence for s in plan.schemes if s.pool == pool.id and s.source == stream))
            if brought != spent and income == spend:
                out.append(error(
                    "SCHEMES-BY-SOURCE",
                    f"pool {pool.id}: schemes funded from '{stream}' spend {spent} but that stream "
                    f"brings {brought}",
                    field=f"pools[{plan.pools.index(pool)}]",
                ))
        if income == spend:
            out += _pool_years(plan, ctx, plan.pools.index(pool))
    return out


def _pool_years(plan: Plan, ctx: RuleContext, k: int) -> list[Finding]:
    """Two-year plans: in each plan year the pool's schemes spend what it receives that year."""
    if len(ctx.year.plan_years) <= 1:
        return []
    pool = plan.pools[k]
    if any(not s.amounts for s in plan.schemes if s.pool == pool.id):   # SCHEME-YEAR says which
        return []
    out: list[Finding] = []
    for label in ctx.year.plan_years:
        income = Money(sum(f.amount.pence for f in plan.funding if f.pool == pool.id and f.plan_year == label))
        spend = Money(sum(s.amount_for(label).pence for s in plan.schemes if s.pool == pool.id))
        if income != spend:
            out.append(error("SCHEMES-SUM-YEAR", f"pool {pool.id} in {label}: schemes plan {spend} but the pool "
                             f"receives {income} that year", field=f"pools[{k}]"))
            continue
        for stream in sorted({f.stream for f in plan.funding if f.pool == pool.id and f.plan_year == label} |
                             {s.source for s in plan.schemes if s.pool == pool.id}):
            brought = Money(sum(f.amount.pence for f in plan.funding
                                if f.pool == pool.id and f.stream == stream and f.plan_year == label))
            spent = Money(sum(s.amount_for(label).pence for s in plan.schemes
                              if s.pool == pool.id and s.source == stream))
            if brought != spent:
                out.append(error("SCHEMES-BY-SOURCE-YEAR", f"pool {pool.id} in {label}: schemes funded from "
                                 f"'{stream}' plan {spent} but that stream brings {brought}", field=f"pools[{k}]"))
    return out


def ring_fences(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.minimums is None:
        return []
    out: list[Finding] = []
    streams = {s.id: s for s in ctx.year.streams}
    for fence in ctx.year.ring_fences:
        need = ctx.minimums.ring_fences.get(fence.id, Money(0))
        counted = 0
        for s in plan.schemes:
            stream = streams.get(s.source)
            if stream is None or (fence.funded_by != "any" and stream.contributor != fence.funded_by):
                continue
            if fence.areas_of_spend and s.area_of_spend not in fence.areas_of_spend:
                continue
            if fence.scheme_types and s.scheme_type not in fence.scheme_types:
                continue
            counted += s.amount.pence
        if counted < need.pence:
            out.append(warning(
                "RING-FENCE",
                f"{fence.name}: schemes provide {Money(counted)}; the minimum spend is {need} "
                "(derived, not published: advice, check the published allocation)",
                field="schemes",
            ))
    return out


RULES: tuple[Rule, ...] = (scheme_fields, schemes_add_up, ring_fences)
