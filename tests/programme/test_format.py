"""The programme format for every year: shipped files load, add up, and a bad file is refused
with every finding located by file, key and line."""

from pathlib import Path

import pytest

from carepool.metrics.ids import KNOWN_METRIC_IDS
from carepool.money import Money
from carepool.programme import available_programmes, load_programme
from carepool.programme.checks import streams_total, total_agrees
from carepool.programme.load import ProgrammeFileError, years_dir

ALL_YEARS = ["bcf-2015-16", "bcf-2016-17", "bcf-2017-19", "bcf-2019-20", "bcf-2020-21", "bcf-2021-22",
             "bcf-2022-23", "bcf-2023-25", "bcf-2025-26", "bcf-2026-27"]


def test_every_year_is_shipped_and_loads() -> None:
    assert available_programmes() == ALL_YEARS
    for year_id in ALL_YEARS:
        year = load_programme(year_id)
        assert year.id == year_id
        assert year.sources, f"{year_id} names no sources"
        assert all(m.code in KNOWN_METRIC_IDS for m in year.metrics)
        assert all(isinstance(s.capital, bool) and s.recipient for s in year.streams)


@pytest.mark.parametrize("year_id", ALL_YEARS)
def test_streams_add_up_to_the_published_total_where_one_is_published(year_id: str) -> None:
    year = load_programme(year_id)
    summed = streams_total(year)
    if year.national_minimum is None or summed is None:
        assert total_agrees(year) is None
        assert year.status == "facts missing"
        return
    assert total_agrees(year) is True
    slack = year.national_minimum_rounding.pence // 2 + sum(s.rounded_to.pence // 2 for s in year.streams)
    if year.national_minimum_at_least:
        assert summed.pence + slack >= year.national_minimum.pence
    else:
        assert abs(summed.pence - year.national_minimum.pence) <= slack


def test_the_totals_that_are_checked() -> None:
    checked = [y for y in ALL_YEARS if total_agrees(load_programme(y)) is not None]
    assert checked == ["bcf-2015-16", "bcf-2016-17", "bcf-2020-21", "bcf-2021-22"]
    assert streams_total(load_programme("bcf-2020-21")) == Money.pounds(6_698_000_000)


def test_2025_26_streams_are_the_published_amounts() -> None:
    year = load_programme("bcf-2025-26")
    amounts = {s.id: s.national_amount for s in year.streams if s.must_pool}
    assert amounts == {"nhs-minimum": Money.pounds(5_614_000_000),
                       "la-better-care-grant": Money.pounds(2_640_000_000),
                       "dfg": Money.pounds(711_000_000)}
    assert year.stream("dfg").capital and year.stream("dfg").passed_to == "district_council"
    assert year.stream("nhs-minimum").contributor == "icb"
    assert year.signatories == ("council_chief_executive", "icb_chief_executive", "council_s151_officer")
    assert year.signatories_delegable is False
    assert year.vintage == "2023" and year.performance.scheme == "none"
    assert "national minimum total" in year.facts_missing


def test_two_year_plans_carry_figures_per_year() -> None:
    year = load_programme("bcf-2023-25")
    assert year.plan_years == ("2023-24", "2024-25")
    assert len(year.quarters) == 8 and year.quarters[4] == "2024Q1"
    dfg = year.stream("dfg")
    assert dfg.amount_for("2023-24") is None and dfg.amount_for("2024-25") == Money.pounds(711_000_000)
    assert year.stream("discharge-icb").amount_for("2023-24") == Money.pounds(300_000_000)
    assert year.capacity_and_demand
    assert "amount of stream 'nhs-minimum'" in year.facts_missing


def test_payment_rules_by_year() -> None:
    schemes = {y: load_programme(y).performance.scheme for y in ALL_YEARS}
    assert schemes.pop("bcf-2015-16") == "payment_for_performance"
    assert schemes.pop("bcf-2016-17") == "local_risk_share"
    assert set(schemes.values()) == {"none"}
    assert [m.code for m in load_programme("bcf-2015-16").metrics if m.carries_money] == ["BCF1"]


BAD = """\
id: bcf-2099-00
name: Broken year
start: 2099-04-01
end: 2100-03-31
partner_kinds: [icb, upper_tier_council]
national_minimum:
  amount: unpublished
funding_streams:
  - id: la-grant
    name: A council grant
    contributor: parish_council
    capital: false
    must_pool: true
    national_amount: 10m
    basis: population_all_ages
conditions: []
metrics:
  - code: happiness_index
    name: Not a metric the engine knows
    improvement: increase
performance:
  scheme: payment_for_performance
  national_element: 1m
  stream: la-grant
  default_ambition_pct: "3.5"
  cost_per_admission: "1490"
  quarter_shares: ["1/4", "1/4", "1/4"]
  baseline_year: "2098-99"
  min_revision_pp: "0"
assurance_outcomes: [approved]
required_signoffs: [hwb]
"""


def test_a_bad_file_is_refused_with_every_finding_located(tmp_path: Path) -> None:
    path = tmp_path / "bad-year.yaml"
    path.write_text(BAD)
    with pytest.raises(ProgrammeFileError) as info:
        load_programme(str(path))
    found = {(f.location.field, f.location.row): f.message for f in info.value.findings}
    assert all(f.location.file == str(path) for f in info.value.findings)
    # a contributor kind that does not exist (line 11), the shares that do not add up (line 27)
    assert "parish_council" in found[("funding_streams[0].contributor", 11)]
    assert "add up to 1" in found[("performance.quarter_shares", 27)]
    # every finding is in the message too, with its line
    assert "line 11, funding_streams[0].contributor" in str(info.value)


def test_a_bad_file_with_good_values_is_refused_for_its_references(tmp_path: Path) -> None:
    text = BAD.replace("parish_council", "upper_tier_council").replace('"1/4", "1/4", "1/4"', '"1/2", "1/2"')
    path = tmp_path / "bad-year.yaml"
    path.write_text(text)
    with pytest.raises(ProgrammeFileError) as info:
        load_programme(str(path))
    found = {(f.location.field, f.location.row): f.message for f in info.value.findings}
    assert "happiness_index" in found[("metrics[0].code", 18)]          # unknown metric id
    assert "no NHS minimum" in found[("funding_streams", 8)]             # a missing stream
    assert "carries_money" in found[("metrics", 17)]                     # p4p with no metric carrying money
    assert len(info.value.findings) == 3


def test_the_published_total_is_enforced(tmp_path: Path) -> None:
    text = (years_dir() / "bcf-2020-21.yaml").read_text().replace("national_amount: 573m", "national_amount: 537m")
    path = tmp_path / "typo.yaml"
    path.write_text(text)
    with pytest.raises(ProgrammeFileError, match="does not match the published national minimum") as info:
        load_programme(str(path))
    (finding,) = info.value.findings
    assert finding.location.field == "national_minimum.amount" and finding.location.row == 13


def test_a_repeated_key_and_a_stream_amount_in_a_year_outside_the_plan(tmp_path: Path) -> None:
    text = (years_dir() / "bcf-2023-25.yaml").read_text()
    text = text.replace('amounts: {"2023-24": unpublished, "2024-25": 711m}',
                        'amounts: {"2023-24": unpublished, "2025-26": 711m}')
    text = text.replace("capacity_and_demand: true", "capacity_and_demand: true\ncapacity_and_demand: false")
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    with pytest.raises(ProgrammeFileError) as info:
        load_programme(str(path))
    messages = " | ".join(f.message for f in info.value.findings)
    assert "'2025-26' is not a plan year" in messages and "written twice" in messages


def test_the_template_section_is_read_and_a_bad_one_is_refused_with_its_lines(tmp_path: Path) -> None:
    assert load_programme("bcf-2019-20").template.prefilled_fill == "grey"
    two_year = load_programme("bcf-2023-25").template
    assert two_year.declared and two_year.layout == "unpublished" and not two_year.sheets
    assert "Better Care Exchange" in (years_dir() / "bcf-2023-25.yaml").read_text()
    assert not load_programme("bcf-2015-16").template.declared
    text = (years_dir() / "bcf-2019-20.yaml").read_text().replace(
        "  layout: unpublished\n  input_fill: yellow\n  prefilled_fill: grey\n",
        "  layout: published\n  input_fill: yellow\n  prefilled_fill: mauve\n")
    path = tmp_path / "bad-template.yaml"
    path.write_text(text)
    with pytest.raises(ProgrammeFileError) as info:
        load_programme(str(path))
    found = {f.location.field: f.location.row for f in info.value.findings}
    assert set(found) == {"template.sheets", "template.prefilled_fill"}
    assert all(isinstance(row, int) and row > 0 for row in found.values())
