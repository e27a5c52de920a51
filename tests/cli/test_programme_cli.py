"""`carepool programme list|show|compare`, as an analyst runs them."""

import json

from typer.testing import CliRunner

from carepool.cli.main import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_list_shows_every_year_with_its_status() -> None:
    result = invoke("programme", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert len(rows) == 10
    assert rows["bcf-2015-16"]["status"] == "complete" and rows["bcf-2015-16"]["facts_missing"] == []
    assert rows["bcf-2026-27"]["status"] == "facts missing"
    assert "national conditions" in rows["bcf-2026-27"]["facts_missing"]
    assert rows["bcf-2023-25"]["plan_years"] == ["2023-24", "2024-25"]
    table = invoke("programme", "list")
    assert "bcf-2019-20" in table.output and "facts missing" in table.output


def test_show_prints_the_years_rules() -> None:
    result = invoke("programme", "show", "bcf-2025-26", "--json")
    assert result.exit_code == 0, result.output
    year = json.loads(result.output)
    amounts = {s["id"]: s["amounts"]["2025-26"] for s in year["streams"] if s["must_pool"]}
    assert amounts == {"nhs-minimum": "5614000000.00", "la-better-care-grant": "2640000000.00",
                       "dfg": "711000000.00"}
    assert year["national_minimum"]["streams_total"] == "8965000000.00"
    assert [m["id"] for m in year["metrics"]] == ["emergency_admissions", "discharge_delay_average",
                                                  "long_term_care_admissions_65"]
    assert year["signatories_delegable"] is False and year["payment_rule"] == "none"
    text = invoke("programme", "show", "bcf-2015-16")
    assert "payment_for_performance" in text.output and "cannot be delegated" not in text.output


def test_compare_puts_two_years_side_by_side() -> None:
    result = invoke("programme", "compare", "bcf-2020-21", "bcf-2025-26", "--json")
    assert result.exit_code == 0, result.output
    c = json.loads(result.output)
    streams = {r["family"]: r for r in c["streams"]}
    assert "4,048.0m" in streams["nhs-minimum"]["a"] and "5,614.0m" in streams["nhs-minimum"]["b"]
    assert streams["dfg"]["change"] == "changed"
    rules = {r["rule"]: r for r in c["rules"]}
    assert rules["partner_kinds"]["a"][0] == "ccg" and rules["partner_kinds"]["b"][0] == "icb"
    assert rules["plans_required"] == {"rule": "plans_required", "a": False, "b": True, "change": "changed"}
    assert {r["id"]: r["change"] for r in c["metrics"]}["emergency_admissions"] == "added"


def test_an_unknown_year_is_refused_plainly() -> None:
    result = invoke("programme", "show", "bcf-1999-00")
    assert result.exit_code != 0
    assert "unknown programme year" in result.output
