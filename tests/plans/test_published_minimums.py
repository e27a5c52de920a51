"""Issue 12 item 3: a published minimum is enforced; a derived one is advice, never an error.

Reproduction: a Surrey 2015-16 plan in which Surrey Heath CCG (10C) pays its published minimum,
GBP 5.501m (HSJ, from NHS England's CCG allocations), was refused with errors because the
derived figure (national amounts split by population) is about GBP 6.016m.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.exchange.excel import write_plan_workbook
from carepool.findings import Severity
from carepool.money import Money, apportion
from carepool.plans.model import Plan
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.validate import validate_plan
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference
from carepool.reference.allocations import load_allocations

SURREY, SURREY_HEATH = "E10000030", "10C"
PUBLISHED = Money.pounds(5_501_000)


def _paying(plan: Plan, ccg: str, new_total: Money) -> Plan:
    """The plan with the CCG's pooled NHS lines scaled to ``new_total``, schemes cut to match."""
    year = load_programme(plan.year)
    must = {s.id for s in year.streams if s.must_pool and s.contributor == "ccg"}
    idx = [i for i, f in enumerate(plan.funding) if f.contributor == ccg and f.stream in must]
    old = [plan.funding[i].amount for i in idx]
    new = apportion(new_total, [a.pence for a in old])
    funding = list(plan.funding)
    schemes = list(plan.schemes)
    for i, before, after in zip(idx, old, new, strict=True):
        line = funding[i]
        funding[i] = replace(line, amount=after)
        cut = before.pence - after.pence
        for j in sorted((j for j, s in enumerate(schemes) if s.source == line.stream and s.pool == line.pool),
                        key=lambda j: -schemes[j].amount.pence):
            take = min(cut, schemes[j].amount.pence)
            schemes[j] = replace(schemes[j], amount=Money(schemes[j].amount.pence - take))
            cut -= take
        assert cut == 0
    return replace(plan, funding=tuple(funding), schemes=tuple(schemes))


def surrey_plan(total: Money) -> Plan:
    year, ref = load_programme("bcf-2015-16"), load_reference()
    return _paying(synthetic_plan(SURREY, year, ref, seed=1, signed=True), SURREY_HEATH, total)


def test_the_published_figure_is_loaded_for_the_partner_and_area() -> None:
    (record,) = [a for a in load_allocations("bcf-2015-16") if a.partner_code == SURREY_HEATH]
    assert record.amount == PUBLISHED and record.area_code == SURREY and record.stream == "nhs_minimum_total"
    assert "hsj.co.uk" in record.url
    derived = derive_minimums(load_programme("bcf-2015-16"), load_reference())[SURREY].ccg_total(SURREY_HEATH)
    assert derived > PUBLISHED        # the derived figure is about GBP 6.016m
    assert round(derived.pence / 10**7) == 60


def test_surrey_heath_paying_its_published_minimum_is_accepted_with_advice() -> None:
    plan = surrey_plan(PUBLISHED)
    findings = validate_plan(plan, load_programme("bcf-2015-16"), load_reference())
    errors = [str(f) for f in findings if f.severity is Severity.ERROR]
    assert errors == []
    advice = [f for f in findings if f.rule == "CCG-MINIMUM"]
    assert advice and all(f.severity is Severity.WARNING for f in advice)
    assert all("derived, not published" in f.message for f in advice)


def test_missing_the_published_minimum_is_an_error_naming_the_source() -> None:
    plan = surrey_plan(PUBLISHED - Money(100))
    findings = validate_plan(plan, load_programme("bcf-2015-16"), load_reference())
    (missed,) = [f for f in findings if f.rule == "PUBLISHED-MINIMUM"]
    assert missed.severity is Severity.ERROR
    assert "£5,501,000.00" in missed.message and "short by £1.00" in missed.message and "HSJ" in missed.message
    assert missed.location.field is not None and missed.location.field.startswith("funding[")


def test_a_derived_shortfall_alone_is_a_warning_never_an_error() -> None:
    year, ref = load_programme("bcf-2015-16"), load_reference()
    plan = synthetic_plan("E06000038", year, ref, seed=3, signed=True)      # Reading: nothing published
    lead = next(p.code for p in plan.partners if p.kind == "ccg")
    current = Money(sum(f.amount.pence for f in plan.funding if f.contributor == lead
                        and year.stream(f.stream).must_pool))
    lowered = _paying(plan, lead, Money(current.pence * 97 // 100))
    findings = validate_plan(lowered, year, ref)
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    short = [f for f in findings if f.rule == "CCG-MINIMUM"]
    assert short and all("derived, not published" in f.message for f in short)


def test_plan_validate_exits_0_with_warnings_and_non_zero_below_the_published_figure(tmp_path: Path) -> None:
    runner = CliRunner()
    ok, short = tmp_path / "surrey.xlsx", tmp_path / "surrey-short.xlsx"
    year, ref = load_programme("bcf-2015-16"), load_reference()
    write_plan_workbook(ok, area_code=SURREY, year=year, ref=ref, plan=surrey_plan(PUBLISHED))
    write_plan_workbook(short, area_code=SURREY, year=year, ref=ref, plan=surrey_plan(PUBLISHED - Money(100_000)))
    result = runner.invoke(app, ["plan", "validate", str(ok)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "derived, not published" in result.output
    result = runner.invoke(app, ["plan", "validate", str(short)], catch_exceptions=False)
    assert result.exit_code != 0
    assert "PUBLISHED-MINIMUM" in result.output
