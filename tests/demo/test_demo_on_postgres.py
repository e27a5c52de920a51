"""The demo on PostgreSQL (issue 18): the same seed gives the same figures, to the penny, as on SQLite.

A small demo (plans for all 151 areas and the pooled-fund year: contributions, scheme spend,
payment for performance, settlement) is built twice with one seed, into a new SQLite file and
into an empty PostgreSQL database, and everything it reports and stores is compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carepool.demo.runner import STEPS, DemoResult, run_demo
from carepool.errors import ConfigurationError
from carepool.services import ledger as ledger_svc
from carepool.services import plans as plans_svc
from carepool.store.db import open_store
from carepool.store.pg_local import LocalPostgres

SMALL = tuple(name for name, _, _ in STEPS if name != "ledger")   # plans, then the pooled-fund year


def _figures(result: DemoResult) -> dict[str, Any]:
    """What the demo reported and what it stored, with the output folder taken out of the text."""
    store = open_store(result.db_url)
    try:
        balances = {f"{line.area}/{line.pool}/{line.account}": (line.debit, line.credit)
                    for line in ledger_svc.trial_balance(store).lines}
        plans = {r.area_code: (r.status.value, r.version, r.plan, str(r.plan.pooled_total))
                 for r in plans_svc.list_plans(store)}
    finally:
        store.dispose()
    reported = json.loads(json.dumps(result.sections, default=str).replace(str(result.out_dir), "OUT"))
    return {"plans": result.plans, "sections": reported, "balances": balances, "stored_plans": plans}


@pytest.mark.postgres
def test_a_small_demo_on_postgresql_equals_the_sqlite_demo_to_the_penny(local_pg: LocalPostgres,
                                                                         tmp_path: Path) -> None:
    said: list[str] = []
    on_pg = run_demo(tmp_path / "pg", seed=11, say=said.append, skip=SMALL, db=local_pg.create_database())
    on_sqlite = run_demo(tmp_path / "sqlite", seed=11, say=lambda _m: None, skip=SMALL)
    assert on_pg.db_path is None and on_sqlite.db_path is not None
    assert any("(postgresql)" in line for line in said)
    pg, lite = _figures(on_pg), _figures(on_sqlite)
    assert len(pg["balances"]) > 1000 and len(pg["stored_plans"]) == 151
    assert sum(debit for debit, _ in pg["balances"].values()) > 0
    for part in ("plans", "stored_plans", "sections", "balances"):
        assert pg[part] == lite[part], part


@pytest.mark.postgres
def test_the_demo_refuses_a_database_that_already_holds_data(local_pg: LocalPostgres, tmp_path: Path) -> None:
    url = local_pg.create_database()
    run_demo(tmp_path / "first", seed=3, say=lambda _m: None, skip=tuple(name for name, _, _ in STEPS), db=url)
    with pytest.raises(ConfigurationError, match="already holds carepool data"):
        run_demo(tmp_path / "again", seed=3, say=lambda _m: None, skip=(), db=url)
    store = open_store(url)
    try:
        assert len(plans_svc.list_plans(store)) == 151   # untouched
    finally:
        store.dispose()
