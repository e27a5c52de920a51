"""Alembic owns the schema: an empty database migrates to every head, and models match migrations."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Constraint, Index, Table, create_engine, delete, inspect, select, text, update
from sqlalchemy.sql import Executable

from carepool.errors import ConflictError
from carepool.plans.model import Plan
from carepool.store import plan_repo as plans
from carepool.store.db import Store, migrations_dir, normalise_url, open_store
from carepool.store.ledger_tables import STATEMENT_CHECKED_FOREIGN_KEYS
from carepool.store.plan_tables import PlanEventRow
from carepool.store.schema import load_metadata
from tests.store.plan_builder import make_plan


def _tables_by_module() -> dict[str, set[str]]:
    """Which store module declares which tables (so a failure names the feature it belongs to)."""
    metadata = load_metadata()
    owners: dict[str, set[str]] = {}
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("carepool.store.") or ".migrations" in name:
            continue
        for value in vars(module).values():
            table = getattr(value, "__table__", value)
            declared_here = getattr(value, "__module__", name) == name or isinstance(value, Table)
            if isinstance(table, Table) and declared_here and table.name in metadata.tables:
                owners.setdefault(name.rsplit(".", 1)[-1], set()).add(table.name)
    unowned = set(metadata.tables) - set().union(*owners.values())
    if unowned:
        owners["(unattributed)"] = unowned
    return owners


TABLES_BY_MODULE = _tables_by_module()


def _diff_table(diff: Any) -> str | None:
    """The table an autogenerate difference is about (modifications come as lists)."""
    if isinstance(diff, list):
        return _diff_table(diff[0]) if diff else None
    for item in diff[1:]:
        if isinstance(item, Table):
            return str(item.name)
        if isinstance(item, Index | Constraint) and item.table is not None:
            return str(item.table.name)
    if len(diff) > 2 and isinstance(diff[2], str):
        return diff[2]   # ("add_column" | "modify_type" | ..., schema, table name, ...)
    return None


def _table_names(url: str) -> set[str]:
    engine = create_engine(normalise_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _heads() -> set[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return set(ScriptDirectory.from_config(config).get_heads())


def test_an_empty_database_gets_the_plan_tables_and_every_head(store_url: str) -> None:
    assert _table_names(store_url) == set()
    opened = open_store(store_url)
    try:
        assert {"plans", "plan_events", "alembic_version"} <= _table_names(store_url)
        with opened.engine.connect() as conn:
            stamped = set(conn.scalars(text("SELECT version_num FROM alembic_version")))
        assert stamped == _heads()
    finally:
        opened.dispose()


def test_plans_is_the_root_every_branch_starts_from() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    script = ScriptDirectory.from_config(config)
    assert script.get_bases() == ["0001_plans"]
    root = script.get_revision("0001_plans")
    assert root is not None and root.down_revision is None


@pytest.mark.parametrize("module", sorted(TABLES_BY_MODULE))
def test_each_modules_tables_are_exactly_what_the_migrations_create(store: Store, module: str) -> None:
    """Autogenerate finds no difference for this module's tables (one test per feature's module)."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, load_metadata())
    mine = TABLES_BY_MODULE[module]
    assert [d for d in diffs if _diff_table(d) in mine and not _checked_per_statement(d, store.dialect)] == []


def _checked_per_statement(diff: Any, dialect: str) -> bool:
    """On PostgreSQL the ledger's hot foreign keys are statement-level triggers instead
    (migration 0008; tests/ledger/test_statement_checks.py proves they refuse what a key would)."""
    return (dialect == "postgresql" and isinstance(diff, tuple) and diff[0] == "add_fk"
            and diff[1].name in STATEMENT_CHECKED_FOREIGN_KEYS)


def test_every_migrated_table_has_a_model(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, load_metadata())
    assert [d for d in diffs if isinstance(d, tuple) and d[0] == "remove_table"] == []


def test_reopening_keeps_the_data(store_url: str, plan: Plan) -> None:
    first = open_store(store_url)
    with first.transaction() as session:
        plans.add_version(session, plan, "alice", datetime(2014, 9, 19, tzinfo=UTC))
    first.dispose()
    again = open_store(store_url)
    try:
        with again.transaction() as session:
            assert plans.get(session, plan.area_code, plan.year).plan == plan
    finally:
        again.dispose()


def test_the_database_enforces_the_history_rules(store: Store) -> None:
    """Foreign keys and checks hold on both backends (SQLite needs PRAGMA foreign_keys)."""
    at = datetime(2014, 9, 19, tzinfo=UTC)
    with pytest.raises(ConflictError), store.transaction() as session:
        session.add(PlanEventRow(plan_id=999, seq=1, action="created", actor="x", at=at,
                                 from_status=None, to_status="draft", detail=""))
    with store.transaction() as session:
        record = plans.add_version(session, make_plan(), "alice", at)
    with pytest.raises(ConflictError), store.transaction() as session:
        session.add(PlanEventRow(plan_id=record.id, seq=2, action="odd", actor="x", at=at,
                                 from_status="draft", to_status="approved", detail=""))
    with pytest.raises(ConflictError), store.transaction() as session:
        session.add(PlanEventRow(plan_id=record.id, seq=1, action="created", actor="x", at=at,
                                 from_status=None, to_status="draft", detail=""))
    with store.transaction() as session:
        assert len(list(session.scalars(select(PlanEventRow)))) == 1


@pytest.mark.parametrize("change", [
    update(PlanEventRow).values(actor="mallory"),
    delete(PlanEventRow),
])
def test_the_database_refuses_to_rewrite_history(store: Store, change: Executable) -> None:
    with store.transaction() as session:
        record = plans.add_version(session, make_plan(), "alice", datetime(2014, 9, 19, tzinfo=UTC))
    with pytest.raises(ConflictError, match="append-only"), store.transaction() as session:
        session.execute(change)
    with store.transaction() as session:
        assert [e.actor for e in plans.events(session, record.id)] == ["alice"]


def test_every_migration_downgrades_to_empty_and_upgrades_again(store: Store) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
    with store.transaction() as session:
        plans.add_version(session, make_plan(), "alice", datetime(2014, 9, 19, tzinfo=UTC))
        assert len(plans.list_latest(session)) == 1
