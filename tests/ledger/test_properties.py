"""Properties: any sequence of valid operations keeps every pool balanced and conserves money;
settlement parts always sum exactly to the whole; apportioned instalments lose no penny."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.errors import ConflictError
from carepool.ledger import (
    Books,
    Payment,
    RiskShare,
    balances,
    close,
    post,
    quarter,
    reversal,
    schedule_contributions,
    scheme_budgets,
    settle_pool,
    spend_transactions,
    trial_balance,
)
from carepool.ledger import accounts as acc
from carepool.ledger.contributions import capital_streams
from carepool.ledger.settlement import net_position
from carepool.money import Money
from carepool.performance import assess_quarter, hold_back_transaction, quarter_transaction
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import derive_minimums, load_programme
from carepool.reference import load_reference

YEAR = load_programme("bcf-2015-16")
REF = load_reference()
PLAN = synthetic_plan("E06000001", YEAR, REF, seed=11, second_pool=True, local_topup=Money(3_000_000))
ELEMENT = derive_minimums(YEAR, REF)["E06000001"].performance_element
SCHEMES = [s.ref for s in PLAN.schemes]
START = post(Books(), schedule_contributions(PLAN, YEAR) + scheme_budgets(PLAN, YEAR)
                           + [t for t in [hold_back_transaction(PLAN, YEAR, ELEMENT)] if t]).books

spend_op = st.tuples(st.just("spend"), st.sampled_from(SCHEMES), st.integers(-50_000, 5_000_000_00),
                     st.integers(0, 364))
pfp_op = st.tuples(st.just("pfp"), st.sampled_from(YEAR.quarters), st.integers(0, 12_000), st.just(0))
reverse_op = st.tuples(st.just("reverse"), st.just(""), st.integers(0, 10**6), st.integers(0, 364))
close_op = st.tuples(st.just("close"), st.sampled_from(YEAR.quarters), st.just(0), st.just(0))
operations = st.lists(st.one_of(spend_op, pfp_op, reverse_op, close_op), max_size=25)


def apply(books: Books, op: tuple[str, str, int, int], n: int) -> Books:
    kind, what, number, day = op
    on = YEAR.start + timedelta(days=day)
    try:
        if kind == "spend" and number != 0:
            pay = Payment(n, PLAN.area_code, on, what, f"Provider {number % 3}", number, f"ref{n}")
            return post(books, spend_transactions([pay], {PLAN.area_code: PLAN}, capital_streams(YEAR))).books
        if kind == "pfp":
            txn = quarter_transaction(PLAN, YEAR, assess_quarter(PLAN, YEAR, ELEMENT, what, number))
            return post(books, [txn]).books if txn else books
        if kind == "reverse":
            candidates = [t for t in books.transactions if t.reverses is None]
            target = candidates[number % len(candidates)]
            return post(books, [reversal(target, f"rev{n}", on, "property test")]).books
        if kind == "close":
            return close(books, PLAN.area_code, quarter(what))
    except ConflictError:
        return books   # a closed period, a second reversal or a re-run with new figures: refused whole
    return books


@settings(max_examples=60, deadline=None)
@given(operations)
def test_any_valid_sequence_keeps_pools_balanced_and_money_conserved(ops: list[tuple[str, str, int, int]]) -> None:
    books = START
    for n, op in enumerate(ops):
        before = len(books.transactions)
        books = apply(books, op, n)
        assert len(books.transactions) >= before
    bal = balances(books.transactions)
    tb = trial_balance(bal)
    assert tb.unbalanced_pools() == []
    for pool in ("P1", "P2"):
        own = {a: v for (_, p, a), v in bal.items() if p == pool}
        held = sum(v for a, v in own.items() if acc.is_pool_money(a))
        assert held == net_position(own)       # money in the pool is exactly income less spending
        assert sum(v for a, v in own.items() if acc.is_memo(a)) == 0
    perf = {a: v for (_, _, a), v in bal.items()}
    held_back = 0 if any(t.reverses == f"holdback:{YEAR.id}:{PLAN.area_code}" for t in books.transactions) \
        else PLAN.ambition.performance_sum.pence
    assert perf.get(acc.HELD_BACK, 0) + perf.get(acc.RELEASED, 0) + perf.get(acc.PAID_TO_ACUTE, 0) == held_back
    for agreement in (RiskShare(), RiskShare("lead_commissioner"),
                      RiskShare("fixed", ((PLAN.area_code, 1), ("X", 2)))):
        for pool in ("P1", "P2"):
            result = settle_pool(PLAN, pool, books.transactions, agreement, date(2016, 3, 31))
            assert sum(part for _, part in result.parts) == result.net


@given(st.integers(-10**13, 10**13), st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any))
def test_settlement_split_sums_exactly(net: int, weights: list[int]) -> None:
    from carepool.ledger.settlement import _split

    parts = _split(net, {f"p{i}": w for i, w in enumerate(weights)})
    assert sum(parts.values()) == net
