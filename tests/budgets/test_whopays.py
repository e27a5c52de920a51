from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from carepool.budgets.model import Funder, PlanItem
from carepool.budgets.rules_file import DEFAULT_RULES, read_rules
from carepool.budgets.whopays import RuleKind, WhoPaysRule, check_rules, fund_item, fund_items
from carepool.money import Money
from tests.budgets.conftest import ITEMS, SOUND, rule_set


def rules_of(findings: list) -> list[str]:
    return [f.rule for f in findings]


def test_sound_agreement_has_no_findings() -> None:
    assert check_rules(SOUND) == []
    rules, findings = read_rules(DEFAULT_RULES)
    assert findings == []
    assert len(rules.rules) == 5


def test_overlap_names_both_rules_and_the_category() -> None:
    rules = rule_set(
        WhoPaysRule("H", RuleKind.HEALTH_LED, ("nursing", "respite")),
        WhoPaysRule("C", RuleKind.CARE_LED, ("personal-care", "respite")),
    )
    findings = check_rules(rules)
    assert rules_of(findings) == ["who-pays.overlap"]
    assert "'respite'" in findings[0].message and "'H'" in findings[0].message and "'C'" in findings[0].message


def test_gap_names_the_uncovered_category() -> None:
    rules = rule_set(WhoPaysRule("H", RuleKind.HEALTH_LED, ("nursing",)),
                     WhoPaysRule("C", RuleKind.CARE_LED, ("personal-care",)))
    findings = check_rules(rules)
    assert rules_of(findings) == ["who-pays.gap"]
    assert "'respite'" in findings[0].message


def test_every_problem_is_reported_at_once() -> None:
    rules = rule_set(
        WhoPaysRule("H", RuleKind.HEALTH_LED, ("nursing", "dentistry")),
        WhoPaysRule("H", RuleKind.CATEGORY, ("personal-care",)),
        WhoPaysRule("S", RuleKind.SHARES, ("nursing",), ((Funder.NHS, 0), (Funder.LA, 0))),
    )
    found = set(rules_of(check_rules(rules)))
    assert found == {"who-pays.unknown-category", "who-pays.duplicate-id", "who-pays.no-funder",
                     "who-pays.bad-shares", "who-pays.overlap", "who-pays.gap"}


def test_person_cannot_be_made_a_funder_by_a_rule() -> None:
    rules = rule_set(WhoPaysRule("H", RuleKind.HEALTH_LED, ("nursing", "respite")),
                     WhoPaysRule("P", RuleKind.CATEGORY, ("personal-care",), funder=Funder.PERSON))
    assert rules_of(check_rules(rules)) == ["who-pays.no-funder"]


def test_fund_item_follows_its_rule_exactly() -> None:
    lines, found = fund_items(list(ITEMS), SOUND)
    assert found == []
    nursing, care, respite = lines
    assert nursing.amount_for(Funder.NHS) == Money.pounds(1200) and nursing.rule == "H"
    assert care.amount_for(Funder.LA) == Money.pounds("6000.01")
    assert respite.amount_for(Funder.NHS) + respite.amount_for(Funder.LA) == Money.pounds("1000.01")
    assert respite.amount_for(Funder.NHS) == Money(50001)   # the odd penny goes to the first share


def test_line_without_a_rule_is_refused_not_dropped() -> None:
    lines, found = fund_items([*ITEMS, PlanItem("L9", "Dental care", "dentistry", Money(100))], SOUND)
    assert len(lines) == 3
    assert rules_of(found) == ["budget.line-without-funder"]
    assert "L9" in found[0].message and "dentistry" in found[0].message


def test_rules_file_problems_come_back_as_findings(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\ncategories: [a, b]\nrules:\n"
                    "  - {id: R1, kind: health-led, categories: [a]}\n"
                    "  - {id: R2, kind: sometimes, categories: [b]}\n"
                    "  - {id: R3, kind: shares, categories: [a], shares: {nhs: 1, council: 2}}\n", encoding="utf-8")
    _, findings = read_rules(path)
    assert {"who-pays.bad-kind", "who-pays.bad-shares", "who-pays.overlap", "who-pays.gap"} <= set(rules_of(findings))


@given(cost=st.integers(min_value=0, max_value=10**11),
       nhs=st.integers(min_value=0, max_value=1000), la=st.integers(min_value=0, max_value=1000))
def test_splitting_by_shares_sums_exactly(cost: int, nhs: int, la: int) -> None:
    if nhs + la == 0:
        la = 1
    rules = rule_set(WhoPaysRule("S", RuleKind.SHARES, ("nursing", "personal-care", "respite"),
                                 ((Funder.NHS, nhs), (Funder.LA, la))))
    assert check_rules(rules) == []
    line = fund_item(PlanItem("L", "x", "respite", Money(cost)), rules)
    assert line is not None
    assert sum(s.amount.pence for s in line.shares) == cost
    assert all(s.amount.pence >= 0 for s in line.shares)
