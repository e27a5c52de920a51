"""Migration 0021 gives each plan year of a two-year programme the agreement recorded for the whole
programme before (same kind, shares, carry-forward, who and when), leaves one-year programmes'
agreements alone, and downgrading puts the first plan year's back as the programme's."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select

from carepool.ledger.settlement import RiskShare
from carepool.store import ledger_repo, ledger_tables
from carepool.store.db import Store, migrations_dir

WHEN = datetime(2023, 5, 2, 10, 30, tzinfo=UTC)
AREA = "E08000018"


def _migrate(store: Store, how: str, to: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, how)(config, to)


def _row(year: str, kind: str, shares: list[list[object]], pct: int) -> dict[str, object]:
    return {"area": AREA, "year": year, "pool": "P1", "kind": kind, "shares": shares, "carry_forward_pct": pct,
            "recorded_by": "pm@example.test", "recorded_at": WHEN}


def test_a_two_year_agreement_becomes_each_plan_years_and_back(store: Store) -> None:
    _migrate(store, "downgrade", "0020_objection_kinds")
    with store.engine.begin() as c:
        c.execute(insert(ledger_tables.risk_shares).values(**_row("bcf-2023-25", "fixed", [[AREA, 1], ["QF7", 3]], 10)))
        c.execute(insert(ledger_tables.risk_shares).values(**_row("bcf-2015-16", "proportional", [], 40)))
    _migrate(store, "upgrade", "heads")
    whole = RiskShare("fixed", ((AREA, 1), ("QF7", 3)), 10)
    with store.transaction() as session:
        assert ledger_repo.risk_share(session, AREA, "bcf-2023-25:2023-24", "P1") == whole
        assert ledger_repo.risk_share(session, AREA, "bcf-2023-25:2024-25", "P1") == whole
        assert ledger_repo.risk_share(session, AREA, "bcf-2023-25", "P1") is None, "no programme-wide row is left"
        assert ledger_repo.risk_share(session, AREA, "bcf-2015-16", "P1") == RiskShare("proportional", (), 40)
        for key in ("bcf-2023-25:2023-24", "bcf-2023-25:2024-25", "bcf-2015-16"):
            assert ledger_repo.risk_share_records(session, AREA, key) == {"P1": ("pm@example.test", WHEN)}
        ledger_repo.set_risk_share(session, AREA, "bcf-2023-25:2024-25", "P1", RiskShare("proportional"), "x", WHEN)

    _migrate(store, "downgrade", "0020_objection_kinds")
    with store.engine.begin() as c:
        c_ = ledger_tables.risk_shares.c
        years = sorted(r.year for r in c.execute(select(c_.year)))
    assert years == ["bcf-2015-16", "bcf-2023-25"]
    with store.transaction() as session:
        assert ledger_repo.risk_share(session, AREA, "bcf-2023-25", "P1") == whole, "the first plan year's"
    _migrate(store, "upgrade", "heads")
