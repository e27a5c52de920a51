"""Independent partners signing off at the same moment both succeed (issue 16, item 8).

Each decision is serialised per plan (a row lock on PostgreSQL, the write lock taken first on
SQLite), so the second reads the first's sign-off before deciding; and no database text
(constraint names, SQL, key details) ever reaches a message a person reads.
"""

from __future__ import annotations

import re
import threading

import pytest

from carepool.errors import CarepoolError, ConflictError
from carepool.plans.lifecycle import Status
from carepool.plans.synthetic import synthetic_plan
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.services import plans, users
from carepool.store.db import Store

AREA, YEAR = "E08000018", "bcf-2015-16"     # Rotherham: the council and one CCG sign off
ROUNDS = 4
DATABASE_WORDS = re.compile(r"UNIQUE|constraint|duplicate key|plan_events|web_users|sqlite|psycopg|DETAIL|INSERT",
                            re.IGNORECASE)


def _race(calls: list[object]) -> list[str]:
    """Run each call in its own thread, released together; 'ok' or the error each gave."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            call()
            outcomes.append("ok")
        except CarepoolError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_two_partners_signing_off_at_once_both_succeed(store: Store) -> None:
    year, ref = load_programme(YEAR), load_reference()
    for n in range(ROUNDS):
        record = plans.import_plan(store, synthetic_plan(AREA, year, ref, seed=3 + n), actor="setup")
        partners = sorted(p.code for p in record.plan.partners if p.kind in ("la", "ccg"))
        assert len(partners) == 2
        token = plans.version_token(record)
        outcomes = _race([lambda p=p, t=token: plans.sign_off(store, AREA, YEAR, p, actor=f"lead-{p}", expected=t)
                          for p in partners])
        assert outcomes == ["ok", "ok"], f"round {n}: {outcomes}"
        latest, events = plans.history(store, AREA, YEAR)
        assert latest.version == record.version and latest.status is Status.PARTNERS_SIGNED_OFF, (
            f"round {n}: both signed, so the plan moves on: {[(e.action, e.to_status) for e in events]}")
        assert sorted(e.detail for e in events if e.action == "signed_off") == partners


def test_a_clash_the_database_reports_is_told_in_plain_words(store: Store) -> None:
    details = {"password": "a long enough password", "name": "x", "org_code": "NATIONAL",
               "org_kind": "national", "role": "analyst", "areas": []}
    users.add_user(store, email="same@england.test", **details)  # type: ignore[arg-type]
    with pytest.raises(ConflictError) as clash:
        users.add_user(store, email="same@england.test", **details)  # type: ignore[arg-type]
    assert not DATABASE_WORDS.search(str(clash.value)), str(clash.value)
    assert "already" in str(clash.value)
