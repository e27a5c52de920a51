"""Money in: every line well-formed, each CCG's minimum met, capital grants pooled."""

from __future__ import annotations

from carepool.findings import Finding, error, warning
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext
from carepool.programme.published import streams_bound
from carepool.reference.allocations import NHS_MINIMUM_TOTAL

_KIND_FOR = {"ccg": "ccg", "la": "la"}


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
    seen: set[tuple[str, str, str]] = set()
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
                _KIND_FOR.get(partner.kind) != stream.contributor:
            out.append(error("FUNDING-STREAM", f"'{stream.name}' comes from a {stream.contributor.upper()}"
                             f", not from {partner.name}", field=f"{where}.stream"))
        if line.pool not in pools:
            out.append(error("FUNDING-POOL", f"pool '{line.pool}' does not exist", field=f"{where}.pool"))
        key = (line.contributor, line.stream, line.pool)
        if key in seen:
            out.append(error("FUNDING-UNIQUE", f"{line.contributor} / {line.stream} / {line.pool} is "
                             "entered twice", field=f"{where}.amount"))
        seen.add(key)
        out += amount_in_limits(line.amount, ctx, f"{where}.amount", "the contribution")
    return out


def line_field(plan: Plan, contributor: str | None, stream: str) -> str:
    """Field path of the first funding line for (contributor, stream), else the funding table."""
    for i, f in enumerate(plan.funding):
        if f.stream == stream and (contributor is None or f.contributor == contributor):
            return f"funding[{i}].amount"
    return "funding"


def _paid(plan: Plan, contributor: str, stream: str) -> Money:
    pence = sum(f.amount.pence for f in plan.funding if f.contributor == contributor and f.stream == stream)
    return Money(pence)


def ccg_minimums(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.minimums is None:
        return []
    out: list[Finding] = []
    for ccg, per_stream in sorted(ctx.minimums.by_ccg.items()):
        if plan.partner(ccg) is None:
            continue  # reported once by CCG-PRESENT
        for stream_id, minimum in sorted(per_stream.items()):
            paid = _paid(plan, ccg, stream_id)
            if paid < minimum:
                out.append(warning(
                    "CCG-MINIMUM",
                    f"CCG {ccg} pays {paid} of '{ctx.year.stream(stream_id).name}'; its minimum contribution "
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
        paid = Money(sum(f.amount.pence for f in plan.funding
                         if f.stream == stream_id and (p := plan.partner(f.contributor)) and p.kind == "la"))
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
        paid = Money(sum(f.amount.pence for f in plan.funding
                         if f.contributor == a.partner_code and f.stream in streams))
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
