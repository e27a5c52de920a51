"""Build and check a joined-up budget from a care and support plan and the who-pays rules.

The person's assessed contribution is taken from the social care part of the lines (never
the NHS part, which is free at the point of use), spread over them by largest remainder, so
every line's shares still add up exactly to its cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from carepool.budgets.model import Budget, FundedLine, Funder, PlanItem, Route, Share
from carepool.budgets.whopays import RuleSet, fund_items
from carepool.errors import ValidationFailed
from carepool.findings import Finding, error, has_errors
from carepool.money import Money, apportion, total


def build_budget(
    *, person_id: str, area_code: str, ccg_code: str, la_code: str, start: date, end: date,
    route: Route, payee: str, items: Sequence[PlanItem], rules: RuleSet, contribution: Money,
) -> Budget:
    """A checked budget, or ``ValidationFailed`` listing every line without a funder and more."""
    lines, found = fund_items(items, rules)
    la_total = total(line.amount_for(Funder.LA) for line in lines)
    if contribution.is_negative:
        found.append(error("budget.bad-contribution", "the assessed contribution cannot be negative",
                           field="contribution"))
    elif contribution > la_total:
        found.append(error("budget.contribution-too-high",
                           f"the assessed contribution {contribution} is more than the social care part "
                           f"of the plan ({la_total})", field="contribution"))
    if has_errors(found):
        raise ValidationFailed(f"budget for {person_id} refused: {len(found)} problem(s)", found)
    budget = Budget(person_id, area_code, ccg_code, la_code, start, end, route, payee,
                    tuple(_with_contribution(lines, contribution)), contribution)
    raise_unless_sound(budget)
    return budget


def _with_contribution(lines: list[FundedLine], contribution: Money) -> list[FundedLine]:
    la_parts = [line.amount_for(Funder.LA) for line in lines]
    if not contribution or not any(p.pence > 0 for p in la_parts):
        return lines
    person_parts = apportion(contribution, [p.pence for p in la_parts])
    out: list[FundedLine] = []
    for line, person in zip(lines, person_parts, strict=True):
        if not person:
            out.append(line)
            continue
        shares = [Share(s.funder, s.amount - person) if s.funder is Funder.LA else s for s in line.shares]
        shares.append(Share(Funder.PERSON, person))
        out.append(replace(line, shares=tuple(s for s in shares if s.amount)))
    return out


def check_budget(budget: Budget) -> list[Finding]:
    """Every problem with a budget's lines: no funder, shares not adding up, negative amounts."""
    found: list[Finding] = []
    refs: set[str] = set()
    for i, line in enumerate(budget.lines):
        at = {"field": f"lines[{i}] ({line.ref})"}
        if line.ref in refs:
            found.append(error("budget.duplicate-line", f"line '{line.ref}' appears twice: it could be paid twice",
                               **at))
        refs.add(line.ref)
        if not line.shares:
            found.append(error("budget.line-without-funder", f"line '{line.ref}' ({line.description}) has no funder",
                               **at))
            continue
        if total(s.amount for s in line.shares) != line.cost:
            found.append(error("budget.shares-mismatch",
                               f"line '{line.ref}' shares add up to {total(s.amount for s in line.shares)}, "
                               f"not its cost {line.cost}", **at))
        if line.cost.is_negative or any(s.amount.is_negative for s in line.shares):
            found.append(error("budget.negative", f"line '{line.ref}' has a negative amount", **at))
    if budget.element(Funder.PERSON) != budget.contribution:
        found.append(error("budget.contribution-mismatch",
                           f"lines charge the person {budget.element(Funder.PERSON)}, but the assessed "
                           f"contribution is {budget.contribution}", field="contribution"))
    if budget.start > budget.end:
        found.append(error("budget.bad-dates", "the budget ends before it starts", field="end"))
    return found


def raise_unless_sound(budget: Budget) -> None:
    found = check_budget(budget)
    if has_errors(found):
        raise ValidationFailed(f"budget for {budget.person_id} refused: {len(found)} problem(s)", found)
