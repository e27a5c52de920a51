"""Money in: every line well-formed, each CCG's minimum met, capital grants pooled."""

from __future__ import annotations

from carepool.findings import Finding, error
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext

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
                out.append(error(
                    "CCG-MINIMUM",
                    f"CCG {ccg} pays {paid} of '{ctx.year.stream(stream_id).name}' but its minimum "
                    f"contribution to this area is {minimum} (derived); short by {minimum - paid}",
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
            out.append(error(
                "GRANT-POOLED",
                f"the {stream.name} ({minimum}, derived) must be pooled in full; the plan pools {paid}",
                field=line_field(plan, None, stream_id),
            ))
    return out


RULES: tuple[Rule, ...] = (funding_lines, ccg_minimums, grants_pooled)
