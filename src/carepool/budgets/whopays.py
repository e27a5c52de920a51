"""Who-pays rules: the agreement that decides which partner funds each need category.

Rules are validated as a set, so that every need category is covered by exactly one rule:
an overlap would let a line be paid twice (or disputed), a gap would leave it unfunded.
``check_rules`` returns every problem as a finding naming the rule and the category;
``fund_item`` splits a line's cost by its rule with largest remainder, exact to the penny.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from carepool.budgets.model import FundedLine, Funder, PlanItem, Share
from carepool.errors import ValidationFailed
from carepool.findings import Finding, error, has_errors
from carepool.money import apportion


class RuleKind(StrEnum):
    HEALTH_LED = "health-led"   # the NHS element pays all
    CARE_LED = "care-led"       # the social care element pays all
    CATEGORY = "category"       # one named funder pays all
    SHARES = "shares"           # fixed shares between funders


PAYING = (Funder.NHS, Funder.LA)   # the person's contribution is assessed, never a rule's choice


@dataclass(frozen=True, slots=True)
class WhoPaysRule:
    id: str
    kind: RuleKind
    categories: tuple[str, ...]
    shares: tuple[tuple[Funder, int], ...] = ()   # kind SHARES: whole-number weights
    funder: Funder | None = None                  # kind CATEGORY

    def weights(self) -> tuple[tuple[Funder, int], ...]:
        """The funders and weights this rule splits by (a single funder for the led kinds)."""
        if self.kind is RuleKind.HEALTH_LED:
            return ((Funder.NHS, 1),)
        if self.kind is RuleKind.CARE_LED:
            return ((Funder.LA, 1),)
        if self.kind is RuleKind.CATEGORY:
            return ((self.funder, 1),) if self.funder is not None else ()
        return tuple((f, w) for f, w in self.shares if w > 0)


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    name: str
    categories: tuple[str, ...]   # every need category the agreement must cover
    rules: tuple[WhoPaysRule, ...]

    def rule_for(self, need: str) -> WhoPaysRule | None:
        return next((r for r in self.rules if need in r.categories), None)


def check_rules(rules: RuleSet, where: str | None = None) -> list[Finding]:
    """Every overlap, gap and malformed rule, as findings (empty when the agreement is sound)."""
    found: list[Finding] = []
    seen_ids: set[str] = set()
    owner: dict[str, str] = {}
    known = set(rules.categories)
    for i, rule in enumerate(rules.rules):
        at = {"file": where, "field": f"rules[{i}] ({rule.id})"}
        if rule.id in seen_ids:
            found.append(error("who-pays.duplicate-id", f"rule id '{rule.id}' is used twice", **at))
        seen_ids.add(rule.id)
        found.extend(_shape(rule, at))
        for category in rule.categories:
            if category not in known:
                found.append(error("who-pays.unknown-category",
                                   f"rule '{rule.id}' names '{category}', which is not a need category "
                                   "of this agreement", **at))
            if category in owner and owner[category] != rule.id:
                found.append(error("who-pays.overlap",
                                   f"need category '{category}' is covered by both rule '{owner[category]}' "
                                   f"and rule '{rule.id}': a line could be paid twice", **at))
            elif category in owner:
                found.append(error("who-pays.overlap",
                                   f"rule '{rule.id}' lists need category '{category}' twice", **at))
            owner.setdefault(category, rule.id)
    for category in rules.categories:
        if category not in owner:
            found.append(error("who-pays.gap",
                               f"need category '{category}' is covered by no rule: its lines would have no funder",
                               file=where, field="categories"))
    return found


def _shape(rule: WhoPaysRule, at: Mapping[str, str | None]) -> list[Finding]:
    found: list[Finding] = []
    if not rule.categories:
        found.append(error("who-pays.empty", f"rule '{rule.id}' covers no need category", **at))
    if rule.kind is RuleKind.CATEGORY and rule.funder not in PAYING:
        found.append(error("who-pays.no-funder",
                           f"rule '{rule.id}' must name its funder: one of nhs, la", **at))
    if rule.kind is RuleKind.SHARES:
        funders = [f for f, _ in rule.shares]
        if any(f not in PAYING for f in funders) or len(set(funders)) != len(funders):
            found.append(error("who-pays.bad-shares",
                               f"rule '{rule.id}' shares must name nhs and/or la, each once", **at))
        if any(w < 0 for _, w in rule.shares) or sum(w for _, w in rule.shares) <= 0:
            found.append(error("who-pays.bad-shares",
                               f"rule '{rule.id}' shares must be whole numbers, not negative, and not all zero",
                               **at))
    elif rule.shares:
        found.append(error("who-pays.bad-shares",
                           f"rule '{rule.id}' is {rule.kind.value}: shares apply only to kind 'shares'", **at))
    return found


def require_sound(rules: RuleSet, where: str | None = None) -> None:
    """Raise ``ValidationFailed`` with every finding unless the rules are sound."""
    found = check_rules(rules, where)
    if has_errors(found):
        raise ValidationFailed(f"who-pays rules '{rules.id}' refused: {len(found)} problem(s)", found)


def fund_item(item: PlanItem, rules: RuleSet) -> FundedLine | None:
    """The line with its funders, or None when no rule covers its need (a line with no funder)."""
    rule = rules.rule_for(item.need)
    if rule is None or not rule.weights():
        return None
    weights = rule.weights()
    parts = apportion(item.cost, [w for _, w in weights])
    shares = tuple(Share(f, p) for (f, _), p in zip(weights, parts, strict=True))
    return FundedLine(item.ref, item.description, item.need, item.cost, rule.id, shares)


def fund_items(items: Sequence[PlanItem], rules: RuleSet) -> tuple[list[FundedLine], list[Finding]]:
    """Funded lines, and a finding for every line no rule funds (never silently dropped)."""
    lines: list[FundedLine] = []
    found: list[Finding] = []
    for i, item in enumerate(items):
        line = fund_item(item, rules)
        if line is None:
            found.append(error("budget.line-without-funder",
                               f"plan line '{item.ref}' ({item.description}) has need '{item.need}', which no "
                               f"who-pays rule of '{rules.id}' covers: it has no funder",
                               field=f"items[{i}]"))
        else:
            lines.append(line)
    return lines, found
