"""Read a who-pays agreement from YAML; every problem in it comes back as a finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from carepool.budgets.model import Funder
from carepool.budgets.whopays import RuleKind, RuleSet, WhoPaysRule, check_rules
from carepool.errors import InputError
from carepool.findings import Finding, error

DEFAULT_RULES = Path(__file__).parent / "data" / "who-pays.yaml"


def read_rules(path: Path) -> tuple[RuleSet, list[Finding]]:
    """The rule set in ``path`` and every finding about it (shape, overlaps, gaps)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=str(path)) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", where=str(path)) from exc
    return parse_rules(raw, str(path))


def parse_rules(raw: Any, where: str) -> tuple[RuleSet, list[Finding]]:
    found: list[Finding] = []
    if not isinstance(raw, dict):
        return RuleSet("?", "?", (), ()), [error("who-pays.not-a-mapping", "expected a mapping", file=where)]
    categories = _strings(raw.get("categories"), where, "categories", found)
    rules: list[WhoPaysRule] = []
    items = raw.get("rules")
    if not isinstance(items, list):
        found.append(error("who-pays.no-rules", "expected a list under 'rules'", file=where, field="rules"))
        items = []
    for i, item in enumerate(items):
        rule = _rule(item, where, i, found)
        if rule is not None:
            rules.append(rule)
    rule_set = RuleSet(str(raw.get("id", Path(where).stem)), str(raw.get("name", "")), categories, tuple(rules))
    return rule_set, found + check_rules(rule_set, where)


def _strings(value: Any, where: str, field: str, found: list[Finding]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        found.append(error("who-pays.bad-list", f"'{field}' must be a list of names", file=where, field=field))
        return ()
    return tuple(value)


def _rule(item: Any, where: str, i: int, found: list[Finding]) -> WhoPaysRule | None:
    at = {"file": where, "field": f"rules[{i}]"}
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        found.append(error("who-pays.bad-rule", "each rule needs an 'id' and a 'kind'", **at))
        return None
    rule_id = item["id"]
    try:
        kind = RuleKind(str(item.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in RuleKind)
        found.append(error("who-pays.bad-kind", f"rule '{rule_id}' kind {item.get('kind')!r} is not one of {kinds}",
                           **at))
        return None
    categories = _strings(item.get("categories"), where, f"rules[{i}].categories", found)
    funder = None
    if item.get("funder") is not None:
        try:
            funder = Funder(str(item["funder"]))
        except ValueError:
            found.append(error("who-pays.no-funder", f"rule '{rule_id}' funder {item['funder']!r} is unknown", **at))
    shares: list[tuple[Funder, int]] = []
    raw_shares = item.get("shares") or {}
    if not isinstance(raw_shares, dict):
        found.append(error("who-pays.bad-shares", f"rule '{rule_id}' shares must be a mapping", **at))
        raw_shares = {}
    for name, weight in raw_shares.items():
        if not isinstance(weight, int) or isinstance(weight, bool):
            found.append(error("who-pays.bad-shares", f"rule '{rule_id}' share for {name!r} must be a whole number",
                               **at))
            continue
        try:
            shares.append((Funder(str(name)), weight))
        except ValueError:
            found.append(error("who-pays.bad-shares", f"rule '{rule_id}' names unknown funder {name!r}", **at))
    return WhoPaysRule(rule_id, kind, categories, tuple(shares), funder)
