from pathlib import Path

import pytest
import yaml

from carepool.errors import ConfigurationError
from carepool.money import Money, total
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.validate import validate_plan
from carepool.programme import available_programmes, derive_minimums, load_programme
from carepool.programme.load import years_dir
from carepool.reference import load_reference


def test_shipped_years() -> None:
    assert {"bcf-2015-16", "bcf-2016-17"} <= set(available_programmes())
    y15 = load_programme("bcf-2015-16")
    assert len(y15.conditions) == 6
    assert y15.performance.scheme == "payment_for_performance"
    assert y15.performance.cost_per_admission == Money.pounds(1490)
    assert str(y15.performance.default_ambition_pct) == "3.5"
    assert y15.performance.national_element == Money.pounds(1_000_000_000)
    assert y15.quarters == ("2015Q1", "2015Q2", "2015Q3", "2015Q4")
    # the components round to the published GBP 3.8bn headline
    assert y15.components_total == Money.pounds(3_783_641_000)
    assert round(y15.components_total.pence / 10**10) == round(y15.national_minimum.pence / 10**10) == 38
    y16 = load_programme("bcf-2016-17")
    assert len(y16.conditions) == 8
    assert y16.performance.scheme == "local_risk_share"
    assert [c.id for c in y16.ring_fences] == ["protect-social-care", "out-of-hospital"]


@pytest.mark.parametrize("year_id", ["bcf-2015-16", "bcf-2016-17"])
def test_derived_minimums_sum_to_national(year_id: str) -> None:
    year = load_programme(year_id)
    mins = derive_minimums(year, load_reference())
    assert len(mins) == 151
    assert total(m.total for m in mins.values()) == year.components_total
    assert total(m.performance_element for m in mins.values()) == year.performance.national_element
    for fence in year.ring_fences:
        assert total(m.ring_fences[fence.id] for m in mins.values()) == fence.national_amount
    checked = 0
    for stream in year.streams:
        if stream.national_amount is None:
            continue
        got = total(
            total(s.get(stream.id, Money(0)) for s in m.by_ccg.values()) + m.by_la.get(stream.id, Money(0))
            for m in mins.values()
        )
        assert got == stream.national_amount, stream.id
        checked += 1
    assert checked > 0, "some stream has a national amount to add up to"
    assert all("derived" in m.note for m in mins.values())


def test_a_third_year_is_a_new_file_only(tmp_path: Path) -> None:
    raw = yaml.safe_load((years_dir() / "bcf-2016-17.yaml").read_text())
    raw.update(id="bcf-2017-18", name="Better Care Fund 2017-18", start="2017-04-01", end="2018-03-31")
    raw["conditions"] = raw["conditions"][:4]
    raw["funding_streams"][0]["national_amount"] = "3.65bn"
    raw.pop("plan_years")                 # derived from start and end
    raw["national_minimum"] = {"amount": "4.044bn", "source": "test: the streams' sum"}
    path = tmp_path / "bcf-2017-18.yaml"
    path.write_text(yaml.safe_dump(raw))
    year = load_programme(str(path))
    assert year.id == "bcf-2017-18" and len(year.conditions) == 4
    ref = load_reference()
    mins = derive_minimums(year, ref)
    assert total(m.total for m in mins.values()) == Money.pounds(3_650_000_000 + 394_000_000)
    plan = synthetic_plan("E09000007", year, ref, seed=3)
    findings = validate_plan(plan, year, ref)
    assert [f for f in findings if f.severity.value == "error"] == []
    # and the year's own rules apply: a fifth condition answer is unknown in 2017-18
    old_plan = synthetic_plan("E09000007", load_programme("bcf-2016-17"), ref, seed=3)
    rules = {f.rule for f in validate_plan(old_plan, year, ref)}
    assert "CONDITION-UNKNOWN" in rules and "YEAR-MATCH" in rules


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("conditions"), "missing key 'conditions'"),
        (lambda r: r["funding_streams"][0].update(contributor="nhs"), "contributor"),
        (lambda r: r["funding_streams"][0].update(national_amount="lots"), "national_amount"),
        (lambda r: r["performance"].update(quarter_shares=["1/4", "1/4"]), "add up to 1"),
        (lambda r: r.update(start="2017-13-01"), "not an ISO date"),
        (lambda r: r["ring_fences"][0].update(areas_of_spend=["Hospitals"]), "unknown"),
        (lambda r: r["performance"].update(stream="nope"), "is not a stream"),
    ],
)
def test_bad_programme_file_says_where(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load((years_dir() / "bcf-2016-17.yaml").read_text())
    mutate(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigurationError, match=message) as info:
        load_programme(str(path))
    assert "broken.yaml" in str(info.value)


def test_unknown_year() -> None:
    with pytest.raises(ConfigurationError, match="bcf-2015-16"):
        load_programme("bcf-1999-00")
