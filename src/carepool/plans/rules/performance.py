"""The emergency-admissions ambition, the performance sum at risk, out-of-hospital spend."""

from __future__ import annotations

from carepool.findings import Finding, Location, Severity, error, warning
from carepool.findings import Finding as _F
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.rules.context import Rule, RuleContext
from carepool.programme.minimums import performance_sum


def ambition(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """The 2015-16 / 2016-17 ambition block; later years set metric goals instead."""
    a = plan.ambition
    out: list[Finding] = []
    if ctx.year.performance.scheme == "none":
        if a.baseline_admissions or a.planned_reduction or a.performance_sum.pence:
            out.append(warning("AMBITION-NOT-USED", f"{ctx.year.name} has no ambition block (its metric goals "
                               "replace it); these figures are ignored", field="ambition.baseline_admissions"))
        return out
    quarters = len(ctx.year.performance.quarter_shares)
    if a.baseline_admissions <= 0:
        out.append(error("AMBITION-BASELINE", "baseline non-elective admissions must be a positive count",
                         field="ambition.baseline_admissions"))
    if len(a.baseline_quarters) != quarters or sum(a.baseline_quarters) != a.baseline_admissions:
        out.append(error("AMBITION-BASELINE", f"the {quarters} baseline quarters must add up to the "
                         f"baseline year ({a.baseline_admissions})", field="ambition.baseline_quarters"))
    if a.planned_reduction < 0:
        out.append(error("AMBITION-RANGE", "the planned reduction in admissions cannot be negative",
                         field="ambition.planned_reduction"))
    elif a.baseline_admissions > 0 and a.planned_reduction > a.baseline_admissions:
        out.append(error("AMBITION-RANGE", "the planned reduction exceeds the baseline admissions",
                         field="ambition.planned_reduction"))
    if len(a.planned_quarters) != quarters or sum(a.planned_quarters) != a.planned_reduction:
        out.append(error("AMBITION-QUARTERS", f"the quarterly reductions {list(a.planned_quarters)} must "
                         f"add up to the planned reduction ({a.planned_reduction})",
                         field="ambition.planned_quarters"))
    default = ctx.year.performance.default_ambition_pct
    if a.baseline_admissions > 0 and a.planned_reduction >= 0 and a.ambition_pct < default:
        out.append(_F("AMBITION-BELOW-DEFAULT", Severity.INFO,
                      f"ambition {a.ambition_pct}% is below the default {default}%: the board should "
                      "record why (e.g. alignment with the CCG operating plan)",
                      Location(field="ambition.planned_reduction")))
    if a.delayed_days_reduction < 0 or a.delayed_days_reduction > max(a.delayed_days_baseline, 0):
        out.append(error("DELAYS-RANGE", "the planned reduction in delayed days must be between 0 and "
                         "the baseline", field="ambition.delayed_days_reduction"))
    return out


def performance_sum_rule(plan: Plan, ctx: RuleContext) -> list[Finding]:
    perf = ctx.year.performance
    if ctx.minimums is None:
        return []
    expected = performance_sum(ctx.year, ctx.minimums, plan.ambition.planned_reduction)
    if perf.scheme != "payment_for_performance":
        if plan.ambition.performance_sum.pence != 0:
            return [error("PERFORMANCE-SUM", f"{ctx.year.name} has no payment for performance; the "
                          "performance sum must be 0", field="ambition.performance_sum")]
        return []
    if plan.ambition.performance_sum != expected:
        capped = expected == ctx.minimums.performance_element and plan.ambition.planned_reduction > 0
        basis = (f"capped at the area's share of the performance element, {ctx.minimums.performance_element}"
                 if capped else f"{plan.ambition.planned_reduction:,} admissions x {perf.cost_per_admission}")
        return [error("PERFORMANCE-SUM", f"performance sum is {plan.ambition.performance_sum} but should be "
                      f"{expected} ({basis})", field="ambition.performance_sum")]
    return []


def out_of_hospital(plan: Plan, ctx: RuleContext) -> list[Finding]:
    """2015-16: the area's share of the element not at risk goes to NHS out-of-hospital services."""
    perf = ctx.year.performance
    if ctx.minimums is None or perf.scheme != "payment_for_performance" or not perf.out_of_hospital_minimum:
        return []
    need = ctx.minimums.performance_element - plan.ambition.performance_sum
    spent = Money(sum(
        s.amount.pence for s in plan.schemes
        if s.area_of_spend in ctx.year.out_of_hospital_areas and s.commissioner in ("CCG", "Joint")
    ))
    if need.pence > 0 and spent < need:
        return [warning("OUT-OF-HOSPITAL", f"NHS-commissioned out-of-hospital schemes total {spent}; the "
                        f"performance element not at risk, {need} (derived, not published), should be spent on them",
                        field="schemes")]
    return []


RULES: tuple[Rule, ...] = (ambition, performance_sum_rule, out_of_hospital)
