"""Posting: all-or-nothing batches, idempotent re-runs, closed periods, reversals."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import ConflictError, ValidationFailed
from carepool.ledger import Books, balances, close, post, quarter, reversal, transaction, transfer
from carepool.ledger import accounts as acc
from carepool.ledger.transactions import Posting, Transaction

ON = date(2015, 5, 1)


def txn(key: str, pence: int = 1_000, on: date = ON, pool: str = "P1") -> Transaction:
    return transaction(key, "E08000018", pool, on, "adjustment", "test",
                       transfer(acc.FUND, acc.contribution("03L", "ccg-new-money"), pence))


def test_post_adds_balanced_transactions_and_leaves_the_original_books_alone() -> None:
    empty = Books()
    result = post(empty, [txn("a"), txn("b", 250)])
    assert empty.transactions == ()
    assert [t.key for t in result.posted] == ["a", "b"]
    assert balances(result.books.transactions)[("E08000018", "P1", acc.FUND)] == 1_250


def test_reposting_the_same_batch_posts_nothing_twice() -> None:
    books = post(Books(), [txn("a"), txn("b")]).books
    again = post(books, [txn("a"), txn("b"), txn("c")])
    assert [t.key for t in again.posted] == ["c"]
    assert [t.key for t in again.skipped] == ["a", "b"]
    assert len(again.books.transactions) == 3


def test_same_key_with_different_content_is_a_conflict() -> None:
    books = post(Books(), [txn("a")]).books
    with pytest.raises(ConflictError, match="different content"):
        post(books, [txn("a", 999)])


def test_an_unbalanced_transaction_rejects_the_whole_batch_with_every_finding() -> None:
    bad = Transaction("bad", "E08000018", "P1", ON, "adjustment", "x",
                      (Posting(acc.FUND, 100), Posting("Nonsense:Thing", -99)))
    with pytest.raises(ValidationFailed) as caught:
        post(Books(), [txn("good"), bad])
    rules = {f.rule for f in caught.value.findings}
    assert rules == {"ledger.unbalanced", "ledger.bad-account"}
    assert all(f.location.field == "transaction bad" for f in caught.value.findings)


def test_nothing_posts_into_a_closed_period_but_later_periods_stay_open() -> None:
    books = close(post(Books(), [txn("a")]).books, "E08000018", quarter("2015Q1"))
    with pytest.raises(ConflictError, match="2015Q1"):
        post(books, [txn("late", on=date(2015, 6, 30))])
    assert post(books, [txn("next", on=date(2015, 7, 1))]).posted
    other_area = transaction("other", "E09000001", "P1", ON, "adjustment", "x", transfer(acc.FUND, "Income:X", 5))
    assert post(books, [other_area]).posted


def test_a_correction_is_a_reversal_that_restores_every_balance_and_cannot_repeat() -> None:
    books = post(Books(), [txn("a", 700)]).books
    original = books.get("a")
    assert original is not None
    fixed = post(books, [reversal(original, "a:rev", date(2015, 7, 1), "wrong amount")]).books
    assert all(v == 0 for v in balances(fixed.transactions).values())
    with pytest.raises(ConflictError, match="already been reversed"):
        post(fixed, [reversal(original, "a:rev2", date(2015, 7, 2), "again")])


def test_a_reversal_must_negate_the_original_exactly() -> None:
    books = post(Books(), [txn("a", 700)]).books
    fake = Transaction("a:rev", "E08000018", "P1", ON, "reversal", "x",
                       (Posting(acc.FUND, -600), Posting(acc.contribution("03L", "ccg-new-money"), 600)),
                       reverses="a")
    with pytest.raises(ValidationFailed) as caught:
        post(books, [fake])
    assert [f.rule for f in caught.value.findings] == ["ledger.reversal-mismatch"]


def test_rerunning_what_was_posted_before_a_period_closed_is_skipped_not_refused() -> None:
    books = close(post(Books(), [txn("a")]).books, "E08000018", quarter("2015Q1"))
    again = post(books, [txn("a")])
    assert again.posted == () and [t.key for t in again.skipped] == ["a"]
