from __future__ import annotations

from collections import Counter
from datetime import date

from carepool.ledger import Books, balances, post, schedule_contributions, scheme_budgets
from carepool.ledger import accounts as acc
from carepool.plans.model import Plan
from carepool.programme import ProgrammeYear


def test_every_penny_of_the_plan_arrives_and_revenue_comes_monthly(plan: Plan, programme: ProgrammeYear) -> None:
    txns = schedule_contributions(plan, programme, {(plan.area_code, "la-dfg"): date(2015, 9, 14)})
    bal = balances(txns)
    fund = sum(v for (_, _, a), v in bal.items() if a == acc.FUND)
    capital = sum(v for (_, _, a), v in bal.items() if a == acc.fund_cash(acc.CAPITAL))
    capital_planned = sum(f.amount.pence for f in plan.funding if programme.stream(f.stream).kind == "capital")
    assert capital_planned > 0
    assert capital == capital_planned                       # capital grants go to the capital fund
    assert fund + capital == plan.pooled_total.pence
    per_line = Counter((t.key.rsplit(":", 1)[0]) for t in txns)
    assert per_line[f"contrib:{plan.year}:{plan.area_code}:P1:03L:ccg-new-money"] == 12
    dfg = [t for t in txns if ":la-dfg:" in t.key]
    assert [t.on for t in dfg] == [date(2015, 9, 14)]
    months = sorted({t.on for t in txns if ":03L:ccg-s256:" in t.key})
    assert months[0] == date(2015, 4, 1) and months[-1] == date(2016, 3, 1) and len(months) == 12


def test_instalments_differ_by_at_most_a_penny(plan: Plan, programme: ProgrammeYear) -> None:
    amounts = [-p.pence for t in schedule_contributions(plan, programme) if ":ccg-new-money:" in t.key
               for p in t.postings if p.account != acc.FUND]
    assert max(amounts) - min(amounts) <= 1


def test_scheduling_twice_posts_nothing_new(plan: Plan, programme: ProgrammeYear) -> None:
    batch = schedule_contributions(plan, programme) + scheme_budgets(plan, programme)
    books = post(Books(), batch).books
    again = post(books, schedule_contributions(plan, programme) + scheme_budgets(plan, programme))
    assert again.posted == () and len(again.skipped) == len(batch)


def test_budgets_are_memo_and_do_not_move_the_fund(plan: Plan, programme: ProgrammeYear) -> None:
    bal = balances(scheme_budgets(plan, programme))
    assert sum(v for (_, _, a), v in bal.items() if a.startswith("Equity:Memo:Budget:Schemes:")) \
        == plan.schemes_total.pence
    assert all(acc.is_memo(a) for (_, _, a) in bal)
