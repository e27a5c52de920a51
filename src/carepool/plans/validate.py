"""Run every rule of a programme year over a plan and return all findings at once."""

from __future__ import annotations

from carepool.findings import Finding, Severity
from carepool.plans.model import Plan
from carepool.plans.rules import completeness, funding, performance, schemes, structure, year_rules
from carepool.plans.rules.context import STAGES, Rule, RuleContext
from carepool.programme.minimums import derive_minimums
from carepool.programme.model import ProgrammeYear
from carepool.reference.allocations import allocations_for
from carepool.reference.model import ReferenceData

ALL_RULES: tuple[Rule, ...] = (
    *structure.RULES, *funding.RULES, *schemes.RULES, *performance.RULES, *completeness.RULES,
    *year_rules.RULES,
)
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def validate_plan(
    plan: Plan, year: ProgrammeYear, ref: ReferenceData, *, stage: str = "draft"
) -> list[Finding]:
    """Every finding, errors first; never stops at the first problem."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}")
    minimums = derive_minimums(year, ref).get(plan.area_code)
    published = tuple(a for a in allocations_for(year.id, plan.area_code, {p.code for p in plan.partners})
                      if a.plan_year in year.plan_years)
    ctx = RuleContext(year=year, ref=ref, minimums=minimums, stage=stage, published=published)
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule(plan, ctx))
    return sorted(findings, key=lambda f: _ORDER[f.severity])
