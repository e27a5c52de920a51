"""Correcting a quarter's payment for performance: reverse it, re-run with revised admissions."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.errors import ConflictError
from carepool.ledger import accounts as acc
from carepool.services import ledger as svc
from carepool.services import performance as perf
from carepool.store import ledger_repo
from carepool.store.db import Store
from tests.ledger.helpers import assured_store


def test_reverse_then_rerun_posts_the_corrected_quarter_once(store: Store) -> None:
    plans = assured_store(store)
    svc.post_contributions(store, "bcf-2015-16")
    wrong = {(a, "2015Q1"): p.ambition.baseline_quarters[0] + 500 for a, p in plans.items()}
    right = dict(wrong)
    right[("E08000018", "2015Q1")] = plans["E08000018"].ambition.baseline_quarters[0] - 10
    perf.run_quarter(store, "2015Q1", wrong)
    with pytest.raises(ConflictError, match="reverse it first"):
        perf.run_quarter(store, "2015Q1", right)
    svc.reverse(store, "pfp:bcf-2015-16:E08000018:2015Q1", date(2015, 7, 2), "admissions revised")
    fixed = perf.run_quarter(store, "2015Q1", right)
    assert (fixed.posted, fixed.skipped) == (1, 1)
    assert perf.run_quarter(store, "2015Q1", right).posted == 0
    with store.transaction() as session:
        bal = ledger_repo.account_balances(session, "E08000018")
        keys = {t.key for t in ledger_repo.transactions(session, area="E08000018") if t.key.startswith("pfp:")}
    assert bal[("E08000018", "P1", acc.RELEASED)] == 10 * 1_490_00
    assert keys == {"pfp:bcf-2015-16:E08000018:2015Q1", "pfp:bcf-2015-16:E08000018:2015Q1:reversal",
                    "pfp:bcf-2015-16:E08000018:2015Q1:r2"}
