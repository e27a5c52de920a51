"""Metrics planned, national conditions answered, sign-offs in place for submission."""

from __future__ import annotations

from carepool.findings import Finding, error, warning
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext


def metrics(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    codes = [m.code for m in plan.metrics]
    for spec in ctx.year.metrics:
        if spec.code not in codes:
            out.append(error("METRIC-MISSING", f"metric {spec.code} ({spec.name}) has no baseline or plan",
                             field="metrics"))
            continue
        i = codes.index(spec.code)
        m = plan.metrics[i]
        periods = 4 if spec.frequency == "quarterly" else max(len(ctx.year.plan_years), 1)  # a goal a year
        if m.baseline is None:
            out.append(error("METRIC-BASELINE", f"{spec.code} has no baseline", field=f"metrics[{i}].baseline"))
        elif m.baseline < 0:
            out.append(error("METRIC-BASELINE", f"{spec.code} baseline cannot be negative",
                             field=f"metrics[{i}].baseline"))
        if len(m.planned) != periods:
            out.append(error("METRIC-PERIODS", f"{spec.code} needs {periods} planned value(s), has "
                             f"{len(m.planned)}", field=f"metrics[{i}].planned"))
        for j, value in enumerate(m.planned):
            if value is None:
                out.append(error("METRIC-PLAN", f"{spec.code} has no planned value for period {j + 1}",
                                 field=f"metrics[{i}].planned[{j}]"))
            elif value < 0 or (spec.unit == "percent" and value > 100):
                out.append(error("METRIC-PLAN", f"{spec.code} planned value {value} is out of range",
                                 field=f"metrics[{i}].planned[{j}]"))
        if spec.code == "BCF6" and not m.local_name.strip():
            out.append(error("METRIC-LOCAL", "BCF6 must name the local metric the board chose",
                             field=f"metrics[{i}].local_name"))
    for i, code in enumerate(codes):
        if codes.index(code) != i:
            out.append(error("METRIC-DUPLICATE", f"metric {code} is entered twice", field=f"metrics[{i}]"))
    return out


def conditions(plan: Plan, ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    answered = {c.id: i for i, c in enumerate(plan.conditions)}
    for cond in ctx.year.conditions:
        if cond.id not in answered:
            out.append(error("CONDITION-ANSWER", f"national condition {cond.id} ({cond.title}) is not "
                             "answered", field="conditions"))
            continue
        i = answered[cond.id]
        c = plan.conditions[i]
        if c.confirmed is None:
            out.append(error("CONDITION-ANSWER", f"say whether national condition {cond.id} is met",
                             field=f"conditions[{i}].confirmed"))
        elif not c.narrative.strip():
            saying = "how it is met" if c.confirmed else "why it is not yet met and by when"
            out.append(error("CONDITION-NARRATIVE", f"national condition {cond.id} needs a narrative saying {saying}",
                             field=f"conditions[{i}].narrative"))
        elif c.confirmed is False:
            out.append(warning("CONDITION-NOT-MET", f"national condition {cond.id} is not yet met: the plan "
                               "can at best be approved subject to conditions",
                               field=f"conditions[{i}].confirmed"))
    known = {c.id for c in ctx.year.conditions}
    for i, c in enumerate(plan.conditions):
        if c.id not in known:
            out.append(error("CONDITION-UNKNOWN", f"'{c.id}' is not a national condition of {ctx.year.name}",
                             field=f"conditions[{i}].id"))
    return out


def signoffs(plan: Plan, ctx: RuleContext) -> list[Finding]:
    if ctx.stage != "submission":
        return []
    out: list[Finding] = []
    signed = {s.partner for s in plan.signoffs if s.name.strip()}
    for p in plan.partners:
        if p.code not in signed:
            who = "the Health and Wellbeing Board" if p.kind == "hwb" else p.name
            out.append(error("SIGNOFF", f"{who} has not signed off the plan", field="signoffs"))
    return out


RULES: tuple[Rule, ...] = (metrics, conditions, signoffs)
