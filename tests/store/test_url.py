"""Which store: ``--db`` / ``CAREPOOL_DB`` as a file path (SQLite) or a URL (PostgreSQL via psycopg)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from carepool.cli.common import db_url
from carepool.errors import ConfigurationError
from carepool.store.db import make_engine, normalise_url, open_store


def test_a_bare_path_from_the_environment_is_an_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nested name" / "fund.db"
    path.parent.mkdir()
    monkeypatch.setenv("CAREPOOL_DB", str(path))
    url = db_url(None)
    assert url == f"sqlite:///{path}"
    opened = open_store(url)
    opened.dispose()
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"plans", "plan_events", "alembic_version"} <= tables


def test_the_option_wins_over_the_environment_and_the_default_is_a_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREPOOL_DB", str(tmp_path / "env.db"))
    assert db_url(str(tmp_path / "option.db")) == f"sqlite:///{tmp_path / 'option.db'}"
    monkeypatch.delenv("CAREPOOL_DB")
    assert db_url(None) == "sqlite:///carepool.db"


@pytest.mark.parametrize("given", [
    "postgresql://u:p@db.example:5432/carepool",
    "postgres://u:p@db.example:5432/carepool",
    "postgresql+psycopg://u:p@db.example:5432/carepool",
])
def test_a_postgresql_url_uses_psycopg(given: str) -> None:
    url = normalise_url(db_url(given))
    assert url == "postgresql+psycopg://u:p@db.example:5432/carepool"
    engine = make_engine(db_url(given))
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


@pytest.mark.postgres
def test_a_postgresql_url_in_the_environment_opens_a_real_server(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREPOOL_DB", pg_url.replace("postgresql+psycopg://", "postgresql://"))
    opened = open_store(db_url(None))
    try:
        assert (opened.dialect, opened.engine.dialect.driver) == ("postgresql", "psycopg")
        assert {"plans", "plan_events"} <= set(inspect(opened.engine).get_table_names())
    finally:
        opened.dispose()


@pytest.mark.postgres
def test_a_url_with_percent_escapes_opens(pg_url: str) -> None:
    """A password like 'p@ss%' is written percent-encoded; migrations must not choke on '%'."""
    url = pg_url.replace("postgresql+psycopg://postgres@", "postgresql://postgres:p%40ss%25@")
    opened = open_store(url)
    try:
        assert opened.engine.url.password == "p@ss%"
        assert {"plans", "plan_events"} <= set(inspect(opened.engine).get_table_names())
    finally:
        opened.dispose()


def test_the_postgresql_connection_pool_is_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPOOL_DB_POOL_SIZE", "3")
    monkeypatch.setenv("CAREPOOL_DB_MAX_OVERFLOW", "0")
    engine = make_engine("postgresql://u:p@db.example:5432/carepool")
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._pre_ping) == (3, 0, True)  # type: ignore[attr-defined]
    engine.dispose()
    monkeypatch.setenv("CAREPOOL_DB_POOL_SIZE", "lots")
    with pytest.raises(ConfigurationError, match="CAREPOOL_DB_POOL_SIZE='lots': must be a whole number"):
        make_engine("postgresql://u:p@db.example:5432/carepool")
