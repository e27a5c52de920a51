"""Posting a two-year plan's money year by year, in the store (SQLite and PostgreSQL) and the CLI.

Reproduction (money-years): `post_contributions(store, "bcf-2023-25")` posted the two-year
totals of contributions and scheme budgets, all in 2023-24.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.errors import InputError
from carepool.ledger import accounts as acc
from carepool.ledger import balances
from carepool.ledger.contributions import capital_streams
from carepool.ledger.settlement import RiskShare
from carepool.money import Money
from carepool.plans.model import Plan
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.services import ledger, year_end
from carepool.services import plans as plan_svc
from carepool.store.db import Store, open_store

YEAR = "bcf-2023-25"
AREA = "E08000018"      # Rotherham: the same code in the 2015 and 2023 geographies


def assure_2023_25(store: Store) -> Plan:
    plan = synthetic_plan_2023(AREA, load_programme(YEAR), seed=2, signed=True)
    at = datetime(2023, 3, 1, 9, tzinfo=UTC)
    plan_svc.import_plan(store, plan, actor="setup", at=at, source="plan")
    for p in plan.partners:
        if p.kind in ("la", "icb"):
            plan_svc.sign_off(store, AREA, YEAR, p.code, actor="setup", at=at)
    plan_svc.sign_off_hwb(store, AREA, YEAR, actor="setup", at=at)
    plan_svc.submit(store, AREA, YEAR, actor="setup", at=at + timedelta(days=1))
    plan_svc.assure(store, AREA, YEAR, "approved", actor="setup", at=at + timedelta(days=2))
    return plan


def money_in_books(store: Store) -> tuple[int, int, dict[str, int]]:
    """(contributions, scheme budgets, budget by scheme) in the books, in pence."""
    bal = balances(ledger.area_transactions(store, AREA))
    contributed = -sum(v for (_, _, a), v in bal.items() if acc.is_contribution(a))
    budgets = {a.rsplit(":", 1)[-1]: v for (_, _, a), v in bal.items() if a.startswith("Equity:Memo:Budget:Schemes:")}
    return contributed, sum(budgets.values()), budgets


def test_posting_2023_24_then_2024_25_posts_each_years_figures_to_the_penny(store: Store) -> None:
    plan = assure_2023_25(store)
    in_year = {y: sum(f.amount.pence for f in plan.funding if f.plan_year == y) for y in ("2023-24", "2024-25")}
    budgets = {y: {s.ref: s.amount_for(y).pence for s in plan.schemes if s.amount_for(y).pence}
               for y in ("2023-24", "2024-25")}
    assert all(in_year.values()) and in_year["2023-24"] != plan.pooled_total.pence

    first = ledger.post_contributions(store, YEAR, plan_year="2023-24")
    assert first.plan_year == "2023-24" and first.amount == Money(in_year["2023-24"])
    contributed, budgeted, by_scheme = money_in_books(store)
    assert contributed == in_year["2023-24"]
    assert by_scheme == budgets["2023-24"] and budgeted == sum(budgets["2023-24"].values())
    assert max(t.on for t in ledger.area_transactions(store, AREA)).isoformat() <= "2024-03-31"

    second = ledger.post_contributions(store, YEAR, plan_year="2024-25")
    assert second.plan_year == "2024-25" and second.amount == Money(in_year["2024-25"])
    assert second.posted > 0
    contributed, budgeted, _ = money_in_books(store)
    assert contributed == plan.pooled_total.pence         # the two years together: the plan's totals
    assert budgeted == plan.schemes_total.pence
    assert ledger.post_contributions(store, YEAR, plan_year="2024-25").posted == 0   # idempotent per year
    later = [t for t in ledger.area_transactions(store, AREA) if t.on.isoformat() >= "2024-04-01"]
    assert -sum(v for (_, _, a), v in balances(later).items() if acc.is_contribution(a)) == in_year["2024-25"]


def test_a_two_year_plan_posted_without_its_plan_year_is_refused_and_nothing_posted(store: Store) -> None:
    assure_2023_25(store)
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        ledger.post_contributions(store, YEAR)
    assert ledger.area_transactions(store, AREA) == []


def test_the_cli_names_the_plan_year_it_posts(store_url: str) -> None:
    store = open_store(store_url)
    plan = assure_2023_25(store)
    refused = CliRunner().invoke(app, ["ledger", "post-contributions", "--year", YEAR, "--db", store_url])
    assert refused.exit_code != 0 and "--plan-year" in refused.output
    done = CliRunner().invoke(app, ["ledger", "post-contributions", "--year", YEAR, "--plan-year", "2024-25",
                                    "--db", store_url])
    assert done.exit_code == 0, done.output
    out = " ".join(done.output.split())
    assert "plan year 2024-25 of bcf-2023-25" in out
    assert str(Money(sum(f.amount.pence for f in plan.funding if f.plan_year == "2024-25"))) in out
    assert money_in_books(store)[0] == sum(f.amount.pence for f in plan.funding if f.plan_year == "2024-25")


# Reproduction (settle-years): `settle` closed only 2023-24 and could not settle 2024-25 at all (its
# settlement keys named only the programme, so a second year's settlement was "already posted").


def pool_money(store: Store, start: str, end: str) -> dict[str, int]:
    """Each pool's contributions dated from ``start`` to ``end`` (ISO dates), in pence."""
    txns = [t for t in ledger.area_transactions(store, AREA) if start <= t.on.isoformat() <= end]
    out: dict[str, int] = {}
    for (_, pool, account), v in balances(txns).items():
        if acc.is_contribution(account):
            out[pool] = out.get(pool, 0) - v
    return out


def test_each_plan_year_is_settled_on_its_own_money_and_closes_its_own_year(store: Store) -> None:
    plan = assure_2023_25(store)
    ledger.post_contributions(store, YEAR, plan_year="2023-24")
    ledger.post_contributions(store, YEAR, plan_year="2024-25")   # the later year posted before settling
    first_money = pool_money(store, "2023-04-01", "2024-03-31")
    second_money = pool_money(store, "2024-04-01", "2025-03-31")
    assert first_money and second_money and first_money != second_money

    first = ledger.settle(store, YEAR, AREA, plan_year="2023-24")
    assert {s.pool: s.net for s in first} == {p.id: first_money.get(p.id, 0) for p in plan.pools}
    assert all(t.on.isoformat() <= "2024-04-01" for s in first for t in s.transactions)
    assert [c.period.label for c in ledger.closed_periods(store, AREA)] == ["2023-24"]

    carried = {s.pool: s.retained + sum(c.carried_forward for c in s.capital) for s in first}
    second = ledger.settle(store, YEAR, AREA, plan_year="2024-25")
    assert len(second) == len(plan.pools)
    # 2024-25's own contributions plus whatever 2023-24 carried forward into it; nothing of 2023-24's else
    assert {s.pool: s.net + sum(c.unspent for c in s.capital) for s in second} == {
        p.id: second_money.get(p.id, 0) + carried.get(p.id, 0) for p in plan.pools}
    assert all(t.transactions for t in second)     # posted: not mistaken for 2023-24's settlement
    keys = [t.key for s in second for t in s.transactions]
    assert keys and all(":2024-25:" in k for k in keys if not k.startswith("open:"))
    assert [c.period.label for c in ledger.closed_periods(store, AREA)] == ["2023-24", "2024-25"]
    assert ledger.settle(store, YEAR, AREA, plan_year="2024-25") == []      # settled once only


def test_a_later_plan_year_cannot_be_settled_before_the_earlier_one(store: Store) -> None:
    assure_2023_25(store)
    ledger.post_contributions(store, YEAR, plan_year="2023-24")
    ledger.post_contributions(store, YEAR, plan_year="2024-25")
    with pytest.raises(InputError, match=r"settle 2023-24 .*before 2024-25"):
        ledger.settle(store, YEAR, AREA, plan_year="2024-25")
    assert ledger.closed_periods(store, AREA) == []
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        ledger.settle(store, YEAR, AREA)      # a two-year plan's settlement names its plan year


def test_the_settlement_preview_shows_the_plan_year_it_would_settle(store: Store) -> None:
    assure_2023_25(store)
    ledger.post_contributions(store, YEAR, plan_year="2023-24")
    ledger.post_contributions(store, YEAR, plan_year="2024-25")
    preview = ledger.settlement_preview(store, YEAR, AREA)
    assert preview.plan_year == "2023-24" and not preview.closed
    assert {s.pool: s.net for s in preview.settlements} == pool_money(store, "2023-04-01", "2024-03-31")
    ledger.settle(store, YEAR, AREA, plan_year="2023-24")
    after = ledger.settlement_preview(store, YEAR, AREA)
    assert after.plan_year == "2024-25" and not after.closed
    ledger.settle(store, YEAR, AREA, plan_year="2024-25")
    done = ledger.settlement_preview(store, YEAR, AREA)
    assert done.plan_year == "2024-25" and done.closed and done.settlements == ()


def test_the_cli_settles_a_named_plan_year_and_refuses_without_one(store_url: str) -> None:
    store = open_store(store_url)
    assure_2023_25(store)
    ledger.post_contributions(store, YEAR, plan_year="2023-24")
    refused = CliRunner().invoke(app, ["ledger", "settle", "--year", YEAR, "--db", store_url])
    assert refused.exit_code != 0 and "--plan-year" in refused.output
    early = CliRunner().invoke(app, ["ledger", "settle", "--year", YEAR, "--plan-year", "2024-25", "--db", store_url])
    assert early.exit_code != 0 and "settle 2023-24" in " ".join(early.output.split())
    done = CliRunner().invoke(app, ["ledger", "settle", "--year", YEAR, "--plan-year", "2023-24", "--db", store_url])
    assert done.exit_code == 0, done.output
    assert "plan year 2023-24 of bcf-2023-25" in " ".join(done.output.split())
    assert [c.period.label for c in ledger.closed_periods(store, AREA)] == ["2023-24"]
    statement = CliRunner().invoke(app, ["ledger", "year-end", "--area", AREA, "--year", YEAR, "--db", store_url])
    assert statement.exit_code != 0 and "--plan-year" in statement.output
    shown = CliRunner().invoke(app, ["ledger", "year-end", "--area", AREA, "--year", YEAR, "--plan-year", "2023-24",
                                     "--db", store_url])
    assert shown.exit_code == 0, shown.output


def test_the_year_end_statement_of_each_plan_year_shows_that_years_money(store: Store) -> None:
    plan = assure_2023_25(store)
    for label in ("2023-24", "2024-25"):
        ledger.post_contributions(store, YEAR, plan_year=label)
    for pool in plan.pools:    # half of each underspend kept in the pool: each year opens the next's books
        for label in ("2023-24", "2024-25"):      # agreed per plan year
            ledger.set_risk_share(store, AREA, YEAR, pool.id, RiskShare(carry_forward_pct=50), plan_year=label)
    for label in ("2023-24", "2024-25"):
        ledger.settle(store, YEAR, AREA, plan_year=label)
    names = {p.code: p.name for p in plan.partners}
    checked = 0
    for label, start, end in (("2023-24", "2023-04-01", "2024-03-31"), ("2024-25", "2024-04-01", "2025-03-31")):
        found = year_end.statement(store, AREA, YEAR, plan_year=label)
        assert found.year == f"plan year {label} of {YEAR}"
        income = next(s for s in found.sections if s.title == "Income by partner and stream")
        contributed = sum(r[4].pence for r in income.rows if r[1] in names.values())   # type: ignore[union-attr]
        assert contributed == sum(pool_money(store, start, end).values())
        carried = next(s for s in found.sections if s.title == "Carried forward")
        opens = [r[1] for r in carried.rows if str(r[1]).startswith("opens")]
        next_day = f"{int(end[:4])}-04-01"   # only this year's opening of the next: not a later year's
        assert opens and all(o == f"opens next year's books on {next_day}" for o in opens)
        checked += 1
    assert checked == 2
    with pytest.raises(InputError, match="2023-24, 2024-25"):
        year_end.statement(store, AREA, YEAR)



def revenue_money(store: Store, pool: str, start: str, end: str) -> int:
    """The pool's revenue contributions dated from ``start`` to ``end``, in pence."""
    txns = [t for t in ledger.area_transactions(store, AREA) if start <= t.on.isoformat() <= end and t.pool == pool]
    return -sum(v for (_, _, a), v in balances(txns).items()
                if acc.is_contribution(a) and acc.fund_of(a) == acc.REVENUE)


def test_spend_of_the_later_plan_year_is_not_settled_in_the_earlier_one(store: Store, tmp_path: Path) -> None:
    plan = assure_2023_25(store)
    for label in ("2023-24", "2024-25"):
        ledger.post_contributions(store, YEAR, plan_year=label)
    capital = capital_streams(load_programme(YEAR))
    scheme = next(s for s in plan.schemes if s.source not in capital and s.amount_for("2024-25").pence)
    spend = tmp_path / "spend.csv"
    spend.write_text("date,area,scheme,provider,amount,reference\n"
                     f"2023-06-01,{AREA},{scheme.ref},Home care provider,1000.00,INV-A\n"
                     f"2024-06-01,{AREA},{scheme.ref},Home care provider,2500.00,INV-B\n", encoding="utf-8")
    assert ledger.import_spend(store, spend, AREA).posted == 2
    first = {s.pool: s.net for s in ledger.settle(store, YEAR, AREA, plan_year="2023-24")}
    assert first[scheme.pool] == revenue_money(store, scheme.pool, "2023-04-01", "2024-03-31") - 100000
    second = {s.pool: s.net for s in ledger.settle(store, YEAR, AREA, plan_year="2024-25")}
    # nothing of the revenue underspend was kept (no agreement), so 2024-25 stands alone
    assert second[scheme.pool] == revenue_money(store, scheme.pool, "2024-04-01", "2025-03-31") - 250000
