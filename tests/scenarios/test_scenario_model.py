from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from carepool.errors import ConfigurationError
from carepool.money import Money
from carepool.scenarios.model import SCENARIOS_DIR, available_scenarios, load_scenario, parse_scenario


def test_packaged_scenarios_state_their_sources() -> None:
    assert {"whole-budget", "specific-services", "percentage-of-budgets"} <= set(available_scenarios())
    for sid in available_scenarios():
        scenario = load_scenario(sid)
        assert scenario.totals and all(t.source.strip() for t in scenario.totals)
        assert {t.status for t in scenario.totals} <= {"published", "estimate-unverified"}
        # the 65.6bn CCG allocations total could not be verified: every scenario says so
        ccg = scenario.total("ccg-allocations")
        assert ccg.amount == Money.pounds(65_600_000_000)
        assert (ccg.status, ccg.verified, ccg.label) == ("estimate-unverified", False, "unverified estimate")
    whole = load_scenario("whole-budget")
    assert whole.total("adult-social-care").amount == Money.pounds(16_970_000_000)
    assert whole.total("adult-social-care").verified and whole.total("adult-social-care").label == "published"


def test_the_older_to_verify_status_is_still_read_as_an_unverified_estimate() -> None:
    data = raw()
    data["national_totals"][0]["status"] = "to-verify"   # type: ignore[index]
    total = parse_scenario(data, "old.yaml").total("ccg-allocations")
    assert not total.verified and total.label == "unverified estimate"


def raw(**changes: object) -> dict[str, object]:
    data = yaml.safe_load((SCENARIOS_DIR / "whole-budget.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize("change, message", [
    ({"risk": {"overspend_pct": "2", "lead": "mayor"}}, "lead"),
    ({"risk": {"overspend_pct": "lots"}}, "not a number"),
    ({"components": [{"id": "x", "name": "x", "from": "nowhere"}]}, "neither"),
    ({"components": [{"id": "x", "name": "x", "from": "adult-social-care", "share": "3/2"}]}, "between 0 and 1"),
    ({"national_totals": [{"id": "t", "name": "t", "contributor": "ccg", "amount": "1bn",
                           "basis": "population_all_ages", "status": "published"}]}, "source"),
    ({"national_totals": [{"id": "t", "name": "t", "contributor": "ccg", "amount": "1bn", "source": "s",
                           "basis": "population_all_ages", "status": "guessed"}]}, "status"),
])
def test_bad_scenarios_are_refused_with_the_place(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_scenario(raw(**change), "test.yaml")


def test_unknown_scenario_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="whole-budget"):
        load_scenario("no-such-scenario")
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(raw(id="mine")), encoding="utf-8")
    assert load_scenario(str(path)).id == "mine"
