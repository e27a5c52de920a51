"""Migration 0015 lets a return's admissions and delayed days be NULL without losing stored returns,
the assessments that name them, or the table's append-only triggers (SQLite copies the table)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, text

from carepool.errors import ConflictError
from carepool.store.db import Store, migrations_dir
from carepool.store.return_tables import PerformanceAssessmentRow, QuarterlyReturnRow

WHEN = datetime(2015, 8, 1, tzinfo=UTC)


def _migrate(store: Store, how: str, to: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, how)(config, to)


def _row(quarter: str, admissions: int | None) -> dict[str, object]:
    return {"area_code": "E08000018", "year": "bcf-2015-16", "quarter": quarter, "version": 1, "document": {},
            "admissions": admissions, "delayed_days": admissions, "income_pence": 0, "expenditure_pence": 0,
            "illustrative": False, "submitted_by": "t", "submitted_at": WHEN, "deadline": None}


def test_stored_returns_survive_and_the_counts_may_then_be_null(store: Store) -> None:
    _migrate(store, "downgrade", "0014_icb_users")
    with store.engine.begin() as c:
        with pytest.raises(Exception, match=r"(?i)null"), c.begin_nested():
            c.execute(insert(QuarterlyReturnRow.__table__).values(**_row("2015Q2", None)))
        rid = c.execute(insert(QuarterlyReturnRow.__table__).values(**_row("2015Q1", 120))
                        .returning(QuarterlyReturnRow.__table__.c.id)).scalar_one()
        c.execute(insert(PerformanceAssessmentRow.__table__).values(
            area_code="E08000018", year="bcf-2015-16", quarter="2015Q1", return_id=rid, baseline=1, actual=1,
            avoided=0, planned_reduction=0, share=0, released=0, paid_to_acute=0, tariff_outside=0,
            out_of_hospital=0, ledger_key=None, source="t", assessed_by="t", assessed_at=WHEN))
    _migrate(store, "upgrade", "heads")
    with store.engine.begin() as c:
        kept = c.execute(select(QuarterlyReturnRow.__table__.c.id, QuarterlyReturnRow.__table__.c.admissions)).all()
        assert [tuple(r) for r in kept] == [(rid, 120)]
        assert c.execute(select(PerformanceAssessmentRow.__table__.c.return_id)).scalar_one() == rid
        c.execute(insert(QuarterlyReturnRow.__table__).values(**_row("2015Q3", None)))
        if c.dialect.name == "sqlite":       # the schema was edited in place: the file is still sound
            assert c.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert c.execute(text("PRAGMA foreign_key_check")).all() == []
    for change in ("UPDATE quarterly_returns SET admissions = 1", "DELETE FROM quarterly_returns"):
        with pytest.raises(ConflictError, match="append-only"), store.transaction() as session:
            session.execute(text(change))
