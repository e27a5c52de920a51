"""Money in: every line well-formed, each CCG's minimum met, capital grants pooled."""

from __future__ import annotations

from carepool.findings import Finding, error, warning
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext
from carepool.programme.published import streams_bound
from carepool.reference.allocations import NHS_MINIMUM_TOTAL

# which stream contributors a partner kind may pay ("la" streams are the upper-tier council's)
_PAYS = {"ccg": ("ccg",), "icb": ("icb",), "la": ("la", "upper_tier_council"), "district": ("district_council",)}


def amount_in_limits(amount: Money, ctx: RuleContext, field: str, what: str) -> list[Finding]:
    if amount.is_negative or amount < ctx.year.amount_min:
        return [error("AMOUNT-RANGE", f"{what} is {amount}; amounts may not be below "
                      f"{ctx.year.amount_min}", field=field)]
    if amount > ctx.year.amount_max:
        return [error("AMOUNT-RANGE", f"{what} is {amount}, above the {ctx.year.name} limit of "
                      f"{ctx.year.amount_max} for one cell", field=field)]
    return []


def funding_lines(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    streams = {s.id: s for s in ctx.year.streams}
    pools = {p.id for p in plan.pools}
    seen: set[tuple[str, str, str, str]] = set()
    for i, line in enumerate(plan.funding):
        where = f"funding[{i}]"
        partner = plan.partner(line.contributor)
        stream = streams.get(line.stream)
        if partner is None:
            out.append(error("FUNDING-CONTRIBUTOR", f"contributor '{line.contributor}' is not a partner",
                             field=f"{where}.contributor"))
        if stream is None:
            out.append(error("FUNDING-STREAM", f"'{line.stream}' is not a funding stream of "
                             f"{ctx.year.name}", field=f"{where}.stream"))
        elif partner is not None and stream.contributor != "any" and \
                stream.contributor not in _PAYS.get(partner.kind, ()):
            payer = stream.contributor.upper() if len(stream.contributor) <= 3 else stream.contributor.replace("_", " ")
            out.append(error("FUNDING-STREAM", f"'{stream.name}' comes from a {payer}"
                             f", not from {partner.name}", field=f"{where}.stream"))
        years = ctx.year.plan_years
        if len(years) > 1 and line.plan_year not in years:
            out.append(error("FUNDING-YEAR", f"a {ctx.year.name} funding line needs its plan year, one of "
                             f"{', '.join(years)} (got '{line.plan_year}')", field=f"{where}.plan_year"))
        elif len(years) == 1 and line.plan_year not in ("", years[0]):
            out.append(error("FUNDING-YEAR", f"'{line.plan_year}' is not the plan year of {ctx.year.name}",
                             field=f"{where}.plan_year"))
        if line.pool not in pools:
            out.append(error("FUNDING-POOL", f"pool '{line.pool}' does not exist", field=f"{where}.pool"))
        key = (line.contributor, line.stream, line.pool, line.plan_year)
        if key in seen:
            out.append(error("FUNDING-UNIQUE", f"{line.contributor} / {line.stream} / {line.pool}"
                             f"{' / ' + line.plan_year if line.plan_year else ''} is entered twice",
                             field=f"{where}.amount"))
        seen.add(key)
        out += amount_in_limits(line.amount, ctx, f"{where}.amount", "the contribution")
    return out


def line_field(plan: Plan, contributor: str | None, stream: str) -> str:
    """Field path of the first funding line for (contributor, stream), else the funding table."""
    for i, f in enumerate(plan.funding):
        if f.stream == stream and (contributor is None or f.contributor == contributor):
            return f"funding[{i}].amount"
    return "funding"


def _paid(plan: Plan, contributor: str, stream: str, plan_year: str = "") -> Money:
    """What a partner pays into a stream; for two-year plans, in one plan year."""
    pence = sum(f.amount.pence for f in plan.funding if f.contributor == contributor and f.stream == stream
                and f.plan_year in ("", plan_year))
    return Money(pence)


def ccg_minimums(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.minimums is None:
        return []
    out: list[Finding] = []
    first = ctx.year.plan_years[0] if ctx.year.plan_years else ""
    nhs = "ICB" if ctx.year.vintage == "2023" else "CCG"
    for ccg, per_stream in sorted(ctx.minimums.by_ccg.items()):
        if plan.partner(ccg) is None:
            continue  # reported once by CCG-PRESENT / ICB-PRESENT
        for stream_id, minimum in sorted(per_stream.items()):
            paid = _paid(plan, ccg, stream_id, first)
            if paid < minimum:
                out.append(warning(
                    "CCG-MINIMUM",
                    f"{nhs} {ccg}{' in ' + first if len(ctx.year.plan_years) > 1 else ''} pays {paid} of "
                    f"'{ctx.year.stream(stream_id).name}'; its minimum contribution "
                    f"to this area is {minimum} (derived, not published: advice); {minimum - paid} below it",
                    field=line_field(plan, ccg, stream_id),
                ))
    return out


def grants_pooled(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.minimums is None:
        return []
    out: list[Finding] = []
    for stream_id, minimum in sorted(ctx.minimums.by_la.items()):
        stream = ctx.year.stream(stream_id)
        first = ctx.year.plan_years[0] if ctx.year.plan_years else ""
        paid = Money(sum(f.amount.pence for f in plan.funding
                         if f.stream == stream_id and (p := plan.partner(f.contributor)) and p.kind == "la"
                         and f.plan_year in ("", first)))
        if stream.must_pool and paid < minimum:
            out.append(warning(
                "GRANT-POOLED",
                f"the {stream.name} must be pooled in full; the plan pools {paid} and the area's grant is "
                f"{minimum} (derived, not published: advice, check the grant determination)",
                field=line_field(plan, None, stream_id),
            ))
    return out


def published_minimums(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """A partner's published allocation is a minimum the plan must meet (an error if missed)."""
    out: list[Finding] = []
    for a in ctx.published:
        streams = streams_bound(a, ctx.year)
        if not streams or plan.partner(a.partner_code) is None:
            continue
        paid = Money(sum(f.amount.pence for f in plan.funding if f.contributor == a.partner_code
                         and f.stream in streams and f.plan_year in ("", a.plan_year)))
        if paid < a.amount:
            what = "its NHS minimum contribution" if a.stream == NHS_MINIMUM_TOTAL else f"'{a.stream}'"
            out.append(error(
                "PUBLISHED-MINIMUM",
                f"{a.partner_name} ({a.partner_code}) pays {paid} of {what}, but its published {a.plan_year} "
                f"minimum is {a.amount} ({a.source}, {a.url}); short by {a.amount - paid}",
                field=line_field(plan, a.partner_code, streams[0]),
            ))
    return out


RULES: tuple[Rule, ...] = (funding_lines, ccg_minimums, grants_pooled, published_minimums)
