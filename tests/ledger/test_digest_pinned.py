"""Content digests are stored beside posted transactions and compared on every re-run, so the
canonical form must never change: a faster way of computing it must give the same digests."""

from __future__ import annotations

from datetime import date

from carepool.ledger.transactions import Posting, Transaction, content_digest

CONTRIBUTION = Transaction(
    "contrib:bcf-2015-16:E08000018:P1:q1", "E08000018", "P1", date(2015, 4, 1), "contribution",
    "Q1 contribution from NHS Rotherham CCG",
    (Posting("Assets:Pool:Fund", 123456), Posting("Income:Contribution:03L:ccg-new-money", -123456)))
REVERSAL = Transaction(
    "rev:1", "E08000018", "P1", date(2015, 5, 2), "reversal", "Reversal: wrong £ amount",
    (Posting("Assets:Pool:Fund", -123456), Posting("Income:Contribution:03L:ccg-new-money", 123456)),
    reverses="contrib:bcf-2015-16:E08000018:P1:q1")


def test_known_transactions_keep_the_digests_stored_before() -> None:
    # computed by the implementation before 6 Dec 2026 (a join of length-prefixed fields)
    assert content_digest(CONTRIBUTION) == "17f18b6b8e50efb6269448a65e1abd4ed9c97de85b508fe934ff1605763607fe"
    assert content_digest(REVERSAL) == "022a2c78169ceb7b64db0793cad729ef0fca138e13b730a7ff884913fb909af9"


def test_the_digest_still_tells_contents_apart() -> None:
    moved = Transaction(CONTRIBUTION.key, CONTRIBUTION.area, CONTRIBUTION.pool, CONTRIBUTION.on,
                        CONTRIBUTION.kind, CONTRIBUTION.narration + "x", CONTRIBUTION.postings)
    assert content_digest(moved) != content_digest(CONTRIBUTION)
    shifted = Transaction("ab", "c", "P1", CONTRIBUTION.on, "contribution", "n", CONTRIBUTION.postings)
    joined = Transaction("a", "bc", "P1", CONTRIBUTION.on, "contribution", "n", CONTRIBUTION.postings)
    assert content_digest(shifted) != content_digest(joined)
