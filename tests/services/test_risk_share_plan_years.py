"""A two-year programme's risk-share agreement is per plan year (SQLite and PostgreSQL): each plan
year's settlement shares that year's revenue net by that year's own agreement, to the penny; a
two-year agreement must name its plan year (service and CLI); one-year programmes are unchanged.

Reproduction (settle-years' note): one agreement, stored per programme, covered both plan years, so
partners who agreed 2024-25 differently could not record it.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger import balances
from carepool.ledger.settlement import RiskShare
from carepool.services import ledger
from carepool.store.db import Store
from tests.services.test_ledger_plan_years import AREA, YEAR, assure_2023_25, revenue_money

RANGES = {"2023-24": ("2023-04-01", "2024-03-31"), "2024-25": ("2024-04-01", "2025-03-31")}


def _partners(store: Store) -> tuple[str, str]:
    plan = assure_2023_25(store)
    council = next(p.code for p in plan.partners if p.kind == "la")
    icb = next(p.code for p in plan.partners if p.kind == "icb")
    for label in RANGES:
        ledger.post_contributions(store, YEAR, plan_year=label)
    return council, icb


def test_each_plan_year_settles_by_its_own_agreement_to_the_penny(store: Store) -> None:
    council, icb = _partners(store)
    pools = list(ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24"))
    assert pools and ledger.risk_shares(store, AREA, YEAR, plan_year="2024-25") == dict.fromkeys(pools)
    first = RiskShare("fixed", ((council, 1),), 20)      # 2023-24: all to the council, a fifth kept in the pool
    second = RiskShare("fixed", ((icb, 1),), 0)          # 2024-25: all to the ICB, nothing kept
    for pool in pools:
        ledger.set_risk_share(store, AREA, YEAR, pool, first, plan_year="2023-24", actor="a@x.test")
        ledger.set_risk_share(store, AREA, YEAR, pool, second, plan_year="2024-25", actor="b@x.test")
    assert ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24") == dict.fromkeys(pools, first)
    assert ledger.risk_shares(store, AREA, YEAR, plan_year="2024-25") == dict.fromkeys(pools, second)
    assert {by for by, _ in ledger.risk_share_records(store, AREA, YEAR, plan_year="2024-25").values()} == {"b@x.test"}

    retained: dict[str, int] = {}
    checked = 0
    for s in ledger.settle(store, YEAR, AREA, plan_year="2023-24"):
        net = revenue_money(store, s.pool, *RANGES["2023-24"])
        assert s.net == net and net > 0
        retained[s.pool] = net * 20 // 100
        assert s.retained == retained[s.pool]
        assert s.parts == ((council, net - retained[s.pool]),)
        checked += 1
    for s in ledger.settle(store, YEAR, AREA, plan_year="2024-25"):
        # 2024-25's revenue: its own contributions and what 2023-24 kept in the pool
        assert s.net == revenue_money(store, s.pool, *RANGES["2024-25"]) + retained[s.pool]
        assert s.retained == 0 and s.parts == ((icb, s.net),)
        assert s.transaction is not None and f":{YEAR}:2024-25:" in f":{s.transaction.key}"
        checked += 1
    assert checked == 2 * len(pools)
    owed = {a: v for (_, _, a), v in balances(ledger.area_transactions(store, AREA)).items()
            if a.startswith("Liabilities:RiskShare:")}
    assert owed == {acc.risk_share(council): -sum(revenue_money(store, p, *RANGES["2023-24"]) - retained[p]
                                                  for p in pools),
                    acc.risk_share(icb): -sum(revenue_money(store, p, *RANGES["2024-25"]) + retained[p]
                                              for p in pools)}


def test_a_two_year_agreement_names_its_plan_year(store: Store) -> None:
    council, _ = _partners(store)
    pool = next(iter(ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24")))
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        ledger.set_risk_share(store, AREA, YEAR, pool, RiskShare("fixed", ((council, 1),)))
    with pytest.raises(InputError, match="not a plan year"):
        ledger.set_risk_share(store, AREA, YEAR, pool, RiskShare(), plan_year="2025-26")
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        ledger.risk_shares(store, AREA, YEAR)
    assert ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24") == {pool: None}, "nothing was recorded"


def test_the_cli_records_a_plan_years_agreement(store: Store, store_url: str) -> None:
    council, icb = _partners(store)
    pool = next(iter(ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24")))
    base = ["ledger", "risk-share", "--area", AREA, "--pool", pool, "--kind", "fixed", "--year", YEAR,
            "--db", store_url]
    refused = CliRunner().invoke(app, [*base, "--share", f"{council}=1"])
    assert refused.exit_code != 0 and "--plan-year" in refused.output
    done = CliRunner().invoke(app, [*base, "--share", f"{icb}=1", "--plan-year", "2024-25"])
    assert done.exit_code == 0, done.output
    assert "plan year 2024-25 of bcf-2023-25" in " ".join(done.output.split())
    assert ledger.risk_shares(store, AREA, YEAR, plan_year="2024-25") == {pool: RiskShare("fixed", ((icb, 1),))}
    assert ledger.risk_shares(store, AREA, YEAR, plan_year="2023-24") == {pool: None}
