"""Each rule fires on the mistake it exists for, names the place, and all findings come at once."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from carepool.findings import Severity
from carepool.money import Money
from carepool.plans.model import ConditionConfirmation, FundingLine, Plan, Scheme, SignOff
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.validate import validate_plan
from carepool.programme import load_programme
from carepool.reference import load_reference

REF = load_reference()
Y15 = load_programme("bcf-2015-16")
Y16 = load_programme("bcf-2016-17")
AREA = "E08000025"  # Birmingham: several CCGs


@pytest.fixture(scope="module")
def plan() -> Plan:
    return synthetic_plan(AREA, Y15, REF, seed=7, second_pool=True, local_topup=Money.pounds(4_000_000))


def errors(p: Plan, year=Y15, stage: str = "draft") -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = {}
    for f in validate_plan(p, year, REF, stage=stage):
        if f.severity is Severity.ERROR:
            out.setdefault(f.rule, []).append(f"{f.location.field}: {f.message}")
    return out


def advice(p: Plan, year=Y15) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Warnings by rule: derived minimums are advice (issue 12 item 3), never errors."""
    out: dict[str, list[str]] = {}
    for f in validate_plan(p, year, REF):
        if f.severity is Severity.WARNING:
            out.setdefault(f.rule, []).append(f"{f.location.field}: {f.message}")
    return out


def test_synthetic_plans_are_valid_in_every_area() -> None:
    for year in (Y15, Y16):
        for i, code in enumerate(REF.areas):
            p = synthetic_plan(code, year, REF, seed=i, second_pool=i % 4 == 0,
                            local_topup=Money.pounds(1_000_000 + i * 10_000))
            assert errors(p, year) == {}, code


def test_ccg_minimum_shortfall(plan: Plan) -> None:
    i = next(i for i, f in enumerate(plan.funding) if f.stream == "ccg-new-money")
    short = replace(plan.funding[i], amount=plan.funding[i].amount - Money(1))
    bad = replace(plan, funding=(*plan.funding[:i], short, *plan.funding[i + 1:]))
    found = errors(bad)
    assert "CCG-MINIMUM" not in found
    assert any("£0.01 below it" in m and "derived, not published" in m and m.startswith(f"funding[{i}].amount")
               for m in advice(bad)["CCG-MINIMUM"])
    # the pool no longer adds up: an error, reported at the same time as the advice
    assert "SCHEMES-SUM" in found


def test_grant_not_pooled(plan: Plan) -> None:
    bad = replace(plan, funding=tuple(f for f in plan.funding if f.stream != "la-dfg"))
    assert "GRANT-POOLED" not in errors(bad)
    assert any("Disabled Facilities Grant" in m and "derived, not published" in m for m in advice(bad)["GRANT-POOLED"])


def test_social_care_protection(plan: Plan) -> None:
    schemes = tuple(replace(s, area_of_spend="Acute") if s.area_of_spend == "Social Care" else s
                    for s in plan.schemes)
    assert "RING-FENCE" not in errors(replace(plan, schemes=schemes))
    assert any("Protection of adult social care" in m and "derived, not published" in m
               for m in advice(replace(plan, schemes=schemes))["RING-FENCE"])


def test_schemes_must_add_up_to_pool(plan: Plan) -> None:
    s0 = plan.schemes[-1]
    bad = replace(plan, schemes=(*plan.schemes[:-1], replace(s0, amount=s0.amount + Money(100))))
    found = errors(bad)
    assert any("over-allocated: £1.00" in m for m in found["SCHEMES-SUM"])


def test_performance_sum_must_match_ambition(plan: Plan) -> None:
    a = replace(plan.ambition, performance_sum=plan.ambition.performance_sum + Money(1))
    found = errors(replace(plan, ambition=a))
    msg = found["PERFORMANCE-SUM"][0]
    assert msg.startswith("ambition.performance_sum") and "x £1,490.00" in msg


def test_performance_sum_capped_at_area_share(plan: Plan) -> None:
    big = plan.ambition.baseline_admissions // 2
    q = (big // 4, big // 4, big // 4, big - 3 * (big // 4))
    a = replace(plan.ambition, planned_reduction=big, planned_quarters=q, performance_sum=Money.pounds(1490) * big)
    found = errors(replace(plan, ambition=a))
    assert any("capped at the area's share" in m for m in found["PERFORMANCE-SUM"])


def test_no_performance_sum_in_2016_17() -> None:
    p = synthetic_plan(AREA, Y16, REF, seed=1)
    bad = replace(p, ambition=replace(p.ambition, performance_sum=Money(5)))
    assert "PERFORMANCE-SUM" in errors(bad, Y16)


def test_many_mistakes_all_reported_at_once(plan: Plan) -> None:
    dup = replace(plan.schemes[0], amount=Money(-5))
    bad = replace(
        plan,
        area_code=AREA,
        schemes=(*plan.schemes, dup, replace(plan.schemes[1], ref="S99", scheme_type="Magic", pool="P9",
                                             source="lottery", amount=Money.pounds(200_000_000))),
        funding=(*plan.funding, FundingLine("XYZ", "ccg-additional", "P7", Money(1))),
        conditions=(*plan.conditions[:-1], ConditionConfirmation(plan.conditions[-1].id, None)),
        metrics=plan.metrics[1:],
    )
    found = errors(bad)
    for rule in ("SCHEME-DUPLICATE", "AMOUNT-RANGE", "SCHEME-LIST", "SCHEME-POOL", "SCHEME-SOURCE",
                 "FUNDING-CONTRIBUTOR", "FUNDING-POOL", "CONDITION-ANSWER", "METRIC-MISSING", "SCHEMES-SUM"):
        assert rule in found, rule
    assert any("above the Better Care Fund 2015-16 limit" in m for m in found["AMOUNT-RANGE"])
    assert any("below £0.00" in m for m in found["AMOUNT-RANGE"])


def test_unknown_codes(plan: Plan) -> None:
    bad = replace(plan, area_code="E99999999")
    assert "AREA-KNOWN" in errors(bad)
    partners = (*plan.partners, replace(plan.partners[1], code="99Z"))
    assert "CCG-KNOWN" in errors(replace(plan, partners=partners))
    missing_ccg = tuple(p for p in plan.partners if p.code != plan.partners_of_kind("ccg")[0].code)
    assert "CCG-PRESENT" in errors(replace(plan, partners=missing_ccg))


def test_conditions_need_narrative(plan: Plan) -> None:
    c = (ConditionConfirmation(plan.conditions[0].id, False, ""), *plan.conditions[1:])
    assert "CONDITION-NARRATIVE" in errors(replace(plan, conditions=c))
    c2 = (ConditionConfirmation(plan.conditions[0].id, False, "Seven-day services start in Q3"), *plan.conditions[1:])
    findings = validate_plan(replace(plan, conditions=c2), Y15, REF)
    assert [f.rule for f in findings if f.severity is Severity.WARNING] == ["CONDITION-NOT-MET"]


def test_signoffs_required_only_for_submission(plan: Plan) -> None:
    assert "SIGNOFF" not in errors(plan)
    found = errors(plan, stage="submission")
    assert len(found["SIGNOFF"]) == len(plan.partners)
    signed = replace(plan, signoffs=tuple(SignOff(p.code, "A Person", "Chair", date(2014, 9, 19))
                                          for p in plan.partners))
    assert "SIGNOFF" not in errors(signed, stage="submission")


def test_metrics_periods_and_ranges(plan: Plan) -> None:
    m = list(plan.metrics)
    m[0] = replace(m[0], planned=m[0].planned[:3])
    bcf3 = next(i for i, x in enumerate(m) if x.code == "BCF3")
    m[bcf3] = replace(m[bcf3], planned=(Decimal("101"),))
    found = errors(replace(plan, metrics=tuple(m)))
    assert "METRIC-PERIODS" in found and "METRIC-PLAN" in found


def test_schemes_by_source(plan: Plan) -> None:
    # move money between two schemes of the same pool but different sources: totals still match
    i, j = (k for k, s in enumerate(plan.schemes) if s.pool == "P1" and s.source in ("la-dfg", "ccg-reablement"))
    s_i = replace(plan.schemes[i], amount=plan.schemes[i].amount + Money(100))
    s_j = replace(plan.schemes[j], amount=plan.schemes[j].amount - Money(100))
    schemes = list(plan.schemes)
    schemes[i], schemes[j] = s_i, s_j
    found = errors(replace(plan, schemes=tuple(schemes)))
    assert "SCHEMES-SUM" not in found
    assert len(found["SCHEMES-BY-SOURCE"]) == 2


def test_scheme_types_from_programme(plan: Plan) -> None:
    s = Scheme("S77", "Robots", "Robotics", "Acute", "NHS", "", "ccg-new-money", "P1", Money(0), True)
    found = errors(replace(plan, schemes=(*plan.schemes, s)))
    fields = [m.split(":")[0] for m in found["SCHEME-LIST"]]
    assert f"schemes[{len(plan.schemes)}].scheme_type" in fields
    assert f"schemes[{len(plan.schemes)}].commissioner" in fields
    assert "SCHEME-PROVIDER" in found


def test_condition_narrative_message_keeps_its_subject_both_ways(plan: Plan) -> None:
    """Issue 12 item 9: operator precedence dropped 'national condition NCx needs a narrative' for an
    unmet condition, leaving only 'why it is not yet met and by when'."""
    for confirmed, tail in ((False, "why it is not yet met and by when"), (True, "how it is met")):
        c = (ConditionConfirmation(plan.conditions[0].id, confirmed, " "), *plan.conditions[1:])
        found = errors(replace(plan, conditions=c))["CONDITION-NARRATIVE"]
        assert found == [f"conditions[0].narrative: national condition {plan.conditions[0].id} needs a "
                         f"narrative saying {tail}"]


@pytest.mark.parametrize("code", ['=HYPERLINK("http://x.invalid")', "+1+1", "-P1", "@SUM(A1)", "\tS1", "S1\n=1"])
def test_scheme_refs_and_pool_ids_must_be_codes(plan: Plan, code: str) -> None:
    """A reference or id is a code, never free text: formula-like text is refused at validation."""
    pool = plan.pools[0]
    renamed = replace(
        plan,
        pools=(replace(pool, id=code), *plan.pools[1:]),
        schemes=tuple(replace(s, ref=code if i == 0 else s.ref, pool=code if s.pool == pool.id else s.pool)
                      for i, s in enumerate(plan.schemes)),
        funding=tuple(replace(f, pool=code if f.pool == pool.id else f.pool) for f in plan.funding),
    )
    found = errors(renamed)
    assert any(m.startswith("pools[0].id:") for m in found.get("POOL-ID", [])), found
    assert any(m.startswith("schemes[0].ref:") for m in found.get("SCHEME-REF", [])), found


def test_ordinary_codes_pass(plan: Plan) -> None:
    found = errors(plan)
    assert "POOL-ID" not in found and "SCHEME-REF" not in found
    assert plan.pools and plan.schemes
